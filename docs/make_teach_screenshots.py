"""Screenshots of the Teach menu's views, taken from a real X display (docs/screenshots/teach_*.png).

Needs an X server and ImageMagick's ``import``; each view is placed at the screen's top-left corner and the
screen is captured, so the picture is what a student sees (fonts and all):

    Xvfb :93 -screen 0 1600x1000x24 &
    DISPLAY=:93 QT_QPA_PLATFORM=xcb python docs/make_teach_screenshots.py [--out docs/screenshots]

The sketch pad needs trained weights: the script trains the lecture MLP on the bundled MNIST digits for one
epoch first (about a minute on a laptop CPU).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--only", nargs="*", help="race, backprop, sketch, data, examples")
    args = parser.parse_args()
    if not os.environ.get("DISPLAY"):
        print("Set DISPLAY to an X server (e.g. Xvfb :93).", file=sys.stderr)
        return 2
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="nnbuilder-teach-shots-"))
    os.environ["NNBUILDER_SETTINGS_DIR"] = str(tmp)
    os.environ["NNBUILDER_USER_DATA"] = str(tmp)

    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from nnbuilder import load_project, save_project
    from nnbuilder.app.main_window import MainWindow
    from nnbuilder.app.theme import apply_theme
    from nnbuilder.paths import examples_dir

    app = QApplication(sys.argv[:1])
    apply_theme(app, "light")
    wanted = set(args.only or ["race", "backprop", "sketch", "data"])

    def settle(ms: int = 600) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    def capture(name: str, width: int, height: int) -> None:
        settle()
        path = out / name
        subprocess.run(["import", "-window", "root", "-crop", f"{width}x{height}+0+0", "+repage", str(path)],
                       check=True)
        print(f"wrote {path}")

    window = MainWindow()
    window.show_dialog = lambda *a, **k: None  # type: ignore[method-assign]

    if "race" in wanted:
        view = window.teach.open("race")
        view.play_button.setChecked(True)
        view.setGeometry(0, 0, 1400, 860)
        view.set_surface("rosenbrock")
        view.advance(160)
        capture("teach_optimizer_race.png", 1400, 860)
        view.set_surface("elongated")
        view.advance(60)
        capture("teach_optimizer_race_elongated.png", 1400, 860)
        view.close()

    if "backprop" in wanted:
        window.open_file(examples_dir() / "spiral_playground.nnb", ask_to_save=False)
        for dock in ("paletteDock", "inspectorDock", "settingsDock", "problemsDock", "summaryDock", "codeDock"):
            window.docks[dock].hide()
        window.setGeometry(0, 0, 820, 900)
        window.show()
        window.view.fit_to_view()
        view = window.teach.open("backprop")
        view.setGeometry(822, 0, 778, 900)
        for _ in range(5):  # forward through all three layers, δ of the output and of the second hidden layer
            view.advance()
        settle()
        window.view.fit_to_view()
        capture("teach_backprop_stepper.png", 1600, 900)
        view.close()
        for dock in window.docks.values():
            dock.show()
        window.hide()

    if "sketch" in wanted:
        from nnbuilder.training import Trainer

        project = load_project(examples_dir() / "fashion_mnist_mlp.nnb")
        project.name = "MNIST digits MLP"
        project.data.dataset = "mnist_test"
        project.training.epochs = 2
        project.training.validation_split = 0.1
        path = tmp / "digits.nnb"
        save_project(project, path)
        trainer = Trainer(project)
        trainer.fit()
        trainer.save_weights(tmp / "digits.weights.safetensors")
        window.open_file(path, ask_to_save=False)
        view = window.teach.open("sketch")
        view.setGeometry(0, 0, 820, 540)
        for a, b in [((8, 6), (20, 6)), ((20, 6), (14, 15)), ((14, 15), (11, 23))]:  # a seven
            view.pad.draw_segment(a, b)
        capture("teach_sketch_pad.png", 820, 540)
        view.close()

    if "data" in wanted:
        window.open_file(examples_dir() / "fashion_mnist_mlp.nnb", ask_to_save=False)
        view = window.teach.open("data")
        view.setGeometry(0, 0, 620, 760)
        capture("teach_data_first.png", 620, 760)
        window.open_file(examples_dir() / "household_power_lstm.nnb", ask_to_save=False)
        view = window.teach.open("data")
        view.setMinimumSize(0, 0)
        view.setGeometry(0, 0, 900, 600)
        capture("teach_data_first_series.png", 900, 600)
        view.close()
    if "examples" in wanted:  # each bundled example as it opens, for docs/examples.md
        window.setGeometry(0, 0, 1280, 760)
        window.show()
        for path in sorted(examples_dir().glob("*.nnb")):
            window.open_file(path, ask_to_save=False)
            window.docks["summaryDock"].raise_()
            settle(300)
            window.view.fit_to_view()
            capture(f"teach_example_{path.stem}.png", 1280, 760)
    window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
