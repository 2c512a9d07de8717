"""Render the editor to PNG files in docs/screenshots/ (for the README and the user guide).

Runs offscreen by default (``QT_QPA_PLATFORM=offscreen``); under a real or virtual X server
(``DISPLAY=:99 python docs/make_screenshots.py``) the same code renders with the platform's fonts.
Settings and recovery files go to a temporary folder, so your own window layout is untouched.

    python docs/make_screenshots.py [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    tmp = tempfile.mkdtemp(prefix="nnbuilder-shots-")
    os.environ["NNBUILDER_SETTINGS_DIR"] = tmp
    os.environ["NNBUILDER_USER_DATA"] = tmp

    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from nnbuilder.app.main_window import MainWindow
    from nnbuilder.app.theme import apply_theme
    from nnbuilder.paths import examples_dir

    app = QApplication(sys.argv[:1])
    apply_theme(app, "light")
    window = MainWindow()
    window.show_dialog = lambda *a, **k: None  # type: ignore[method-assign]
    window.load_extensions()  # the training toolbar and the Training panel, as the app shows them from the start
    window.resize(1440, 900)
    window.show()
    QTest.qWaitForWindowExposed(window)

    def settle() -> None:
        for _ in range(3):
            app.processEvents()
            QTest.qWait(30)

    def shot(name: str) -> None:
        settle()
        path = out / name
        window.grab().save(str(path))
        print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")

    doc = window.document
    # 1. The lecture MLP, a layer selected so the inspector shows its form.
    window.open_file(examples_dir() / "fashion_mnist_mlp.nnb", ask_to_save=False)
    window.view.fit_to_view()
    window.scene.select_nodes(["hiddenlayer"])
    window.docks["summaryDock"].raise_()
    shot("editor_mlp.png")

    # 2. A network with merges, the Code panel open.
    window.open_file(examples_dir() / "skip_connection_moons.nnb", ask_to_save=False)
    window.docks["codeDock"].raise_()
    window.code_panel.refresh_now()
    window.scene.select_nodes(["add"])
    window.view.fit_to_view()
    shot("editor_skip_connection_code.png")

    # 3. Problems: a Dense fed an image, a loose layer; the Problems panel lists them.
    window.new_project()
    inp = doc.add_node("Input", (0, 0), params={"shape": [1, 28, 28]})
    dense = doc.add_node("Dense", (240, 0), params={"units": 128, "activation": "relu"})
    doc.add_node("Dense", (480, 140), params={"units": 10})
    doc.connect(inp, "out", dense, "in")
    window.docks["problemsDock"].raise_()
    window.scene.select_nodes([dense])
    window.view.fit_to_view()
    shot("editor_problems.png")

    # 4. Inserting a layer on a connection (double-click an edge).
    window.open_file(examples_dir() / "fashion_mnist_mlp.nnb", ask_to_save=False)
    window.view.fit_to_view()
    edge = doc.current_graph.edges[1]
    item = window.scene.edges[edge.key]
    window.scene.request_insert(item, item.path().pointAtPercent(0.5))
    picker = window._picker
    if picker is not None:
        QTest.keyClicks(picker.search_box, "drop")
        settle()
        pix = window.grab()
        from PySide6.QtGui import QPainter

        painter = QPainter(pix)
        top_left = window.mapFromGlobal(picker.mapToGlobal(picker.rect().topLeft()))
        painter.drawPixmap(top_left, picker.grab())
        painter.end()
        pix.save(str(out / "editor_insert_on_edge.png"))
        print("wrote docs/screenshots/editor_insert_on_edge.png")
        picker.close()

    # 5. The GAN template: two graphs, a switcher above the canvas; dark theme.
    apply_theme(app, "dark")
    window.set_theme("dark")
    window.new_from_template("GAN (generator + discriminator)")
    window.view.fit_to_view()
    window.docks["summaryDock"].raise_()
    window.scene.select_nodes(["g_pixels"])
    shot("editor_gan_dark.png")

    # 6. Editing locked while training runs.
    apply_theme(app, "light")
    window.set_theme("light")
    window.open_file(examples_dir() / "spiral_playground.nnb", ask_to_save=False)
    from nnbuilder.app.training_controller import LOCK_REASON

    window.set_editing_locked(True, LOCK_REASON)  # the banner a run puts up
    window.view.fit_to_view()
    shot("editor_locked.png")
    window.set_editing_locked(False)
    doc.undo_stack.setClean()

    # 7. Training the spiral from the app: the decision boundary and the curves, live.
    import time

    from nnbuilder.app.dashboard import Dashboard

    controller = window.training_controller
    window.open_file(examples_dir() / "spiral_playground.nnb", ask_to_save=False)
    window.view.fit_to_view()
    controller.train()
    tabs = controller.dashboard.tabs

    def wait_for(cond, seconds: float = 30.0) -> None:  # type: ignore[no-untyped-def]
        # A real event loop: QTest.qWait keeps the GIL while it sleeps and would starve the training thread.
        from PySide6.QtCore import QEventLoop, QTimer

        end = time.monotonic() + seconds
        loop = QEventLoop()
        timer = QTimer()
        timer.timeout.connect(lambda: (cond() or time.monotonic() > end) and loop.quit())
        timer.start(20)
        if not cond():
            loop.exec()
        timer.stop()

    wait_for(lambda: tabs.isTabVisible(Dashboard.TAB_BOUNDARY))
    tabs.setCurrentIndex(Dashboard.TAB_BOUNDARY)
    wait_for(lambda: controller.dashboard.boundary.updates >= 3)
    shot("training_spiral_boundary.png")
    wait_for(lambda: not controller.is_busy, 120)
    tabs.setCurrentIndex(Dashboard.TAB_CURVES)
    shot("training_spiral_curves.png")

    # 8. The lecture's Fashion-MNIST model after one epoch: the validation gallery.
    window.open_file(examples_dir() / "fashion_mnist_mlp.nnb", ask_to_save=False)
    controller.epochs_spin.setValue(1)
    controller.train()
    wait_for(lambda: tabs.isTabVisible(Dashboard.TAB_IMAGES))
    wait_for(lambda: not controller.is_busy, 120)
    tabs.setCurrentIndex(Dashboard.TAB_IMAGES)
    shot("training_fashion_gallery.png")
    doc.undo_stack.setClean()
    window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
