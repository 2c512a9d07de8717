"""``nnbuilder [FILE]``: start the desktop app.

Start-up stays under two seconds by never importing torch here: the editor needs only the pure
core (layers, inference, project files); torch is loaded by the Code panel and the trainer when
they are first used.
"""

from __future__ import annotations

import os
import sys
import time

_T0 = time.perf_counter()


def run_app(path: str | None = None, argv: list[str] | None = None) -> int:
    """Open the main window (on ``path`` when given) and run the event loop; returns the exit code."""
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    from .main_window import MainWindow
    from .settings import APPLICATION, ORGANIZATION, app_settings
    from .theme import THEMES, apply_theme

    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName("nnbuilder")
    app.setDesktopFileName("nnbuilder")  # matches the installed nnbuilder.desktop (taskbar icon on Wayland)
    from PySide6.QtGui import QIcon

    from ..paths import icons_dir

    icon = QIcon()
    for png in sorted(icons_dir().glob("nnbuilder-*.png")):
        icon.addFile(str(png))
    app.setWindowIcon(icon)
    theme = os.environ.get("NNBUILDER_THEME") or str(app_settings().value("theme", "system"))
    apply_theme(app, theme if theme in THEMES else "system")

    from .workers import collect_in_gui_thread

    collect_in_gui_thread()  # garbage is collected in this thread only (see workers/gui_gc.py)
    window = MainWindow()
    window.load_extensions()
    window.restore_layout()
    if path:
        window.open_file(path, ask_to_save=False)
    window.show()
    window.view.fit_to_view()
    QTimer.singleShot(0, window.offer_recovery)
    if os.environ.get("NNBUILDER_EXIT_WHEN_READY"):
        # Benchmarks: report when the window has been shown and the event loop is idle, then quit.
        def ready() -> None:
            print(f"nnbuilder-ready {time.perf_counter() - _T0:.3f} torch={'torch' in sys.modules}", flush=True)
            window.document.undo_stack.setClean()
            window.close()
            app.quit()

        QTimer.singleShot(0, ready)
    return int(app.exec())


if __name__ == "__main__":
    raise SystemExit(run_app(sys.argv[1] if len(sys.argv) > 1 else None))
