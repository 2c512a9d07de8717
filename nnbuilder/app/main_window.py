"""The main window: canvas in the middle, palette left, inspector/settings right, problems/summary/code below.

The window wires views to the Document and owns the file workflow (New, Open, Save, recent files,
examples, templates, autosave and recovery). Extension points for the training part:

* ``document`` — the Document (project, undo stack, signals ``project_changed``, ``inference_changed``).
* ``add_toolbar_section(title, actions)`` and ``add_dock(widget, title, area, object_name)``.
* ``add_menu(title)`` — a top-level menu before Help.
* ``problems_panel.add_runtime_problem(message, severity, node, graph)`` / ``clear_runtime_problems()``.
* ``set_editing_locked(locked, reason)`` — banner over the canvas, editing and undo disabled.
* ``show_dialog(kind, title, text, **options)`` — every dialog goes through it (tests replace it).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, QPointF, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QApplication,
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QTabBar,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from ..layers import LayerSpec
from ..paths import examples_dir, is_bundled
from ..project import Edge, ProjectError, load_project
from . import settings as app_settings_mod
from .autosave import Autosaver, find_recoveries
from .canvas import CanvasView, NodeItem, NodeScene
from .canvas.items import NODE_HEIGHT, NODE_WIDTH
from .document import DEFAULT_LOCK_REASON, Document, EditRefusedError
from .teach import install_teach_menu
from .templates import TEMPLATES
from .theme import THEMES, apply_theme
from .widgets.code import CodePanel
from .widgets.inspector import InspectorPanel
from .widgets.layer_picker import LayerPicker
from .widgets.notes_panel import NotesPanel
from .widgets.palette import PalettePanel
from .widgets.problems import ProblemsPanel
from .widgets.project_settings import ProjectSettingsPanel
from .widgets.summary import SummaryPanel

FILE_FILTER = "nnbuilder projects (*.nnb);;All files (*)"
APP_NAME = "nnbuilder"
#: On a small window the canvas keeps at least this share of the width (of the height) it shares with the
#: side (bottom) docks, or CANVAS_ROOM pixels when that is less. Left alone, Qt takes every pixel a shrinking
#: window loses from the canvas and none from the docks: at 800x550 the canvas was 80 px wide under a tall,
#: mostly empty Problems list. Above these the docks keep whatever size the user (or a panel) gave them.
CANVAS_SHARE = (0.55, 0.6)
CANVAS_ROOM = (560, 320)
#: The lists and editors of the bottom panels may shrink to this height (they scroll): their own minimums kept
#: the bottom dock area at least 174 px high, 40 % of the smallest window (600x430) before the canvas got any.
DOCK_VIEW_MIN_HEIGHT = 40


class MainWindow(QMainWindow):
    def __init__(self, document: Document | None = None, *, autosave_interval_ms: int | None = None) -> None:
        super().__init__()
        self.setObjectName("MainWindow")
        self.document = document or Document(parent=self)
        self.setDockNestingEnabled(True)
        self.setDockOptions(QMainWindow.DockOption.AnimatedDocks | QMainWindow.DockOption.AllowTabbedDocks
                            | QMainWindow.DockOption.AllowNestedDocks)
        self._locked = False
        # Asked before the open project is left (New, Open, an example): each returns False to stay. The
        # training controller adds one that offers to keep trained weights that exist only in memory.
        self.leave_guards: list[Callable[[], bool]] = []
        self._paste_count = 0
        self._picker: LayerPicker | None = None
        self.docks: dict[str, QDockWidget] = {}

        # -- centre: lock banner, graph tabs, canvas --------------------------------------------
        self.scene = NodeScene(self.document, self)
        self.view = CanvasView(self.scene)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.lock_banner = QLabel(self)
        self.lock_banner.setObjectName("lockBanner")
        self.lock_banner.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.lock_banner.setStyleSheet("QLabel#lockBanner { background: #E8A317; color: #1F2328; padding: 6px; "
                                       "font-weight: bold; }")
        self.lock_banner.hide()
        self.graph_tabs = QTabBar(self)
        self.graph_tabs.setDocumentMode(True)
        self.graph_tabs.setExpanding(False)
        self.graph_tabs.hide()
        central = QWidget(self)
        lay = QVBoxLayout(central)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(self.lock_banner)
        lay.addWidget(self.graph_tabs)
        lay.addWidget(self.view, 1)
        self.setCentralWidget(central)

        # -- panels -----------------------------------------------------------------------------
        self.palette_panel = PalettePanel(self)
        self.inspector = InspectorPanel(self.document, self)
        self.settings_panel = ProjectSettingsPanel(self.document, self)
        self.problems_panel = ProblemsPanel(self.document, self)
        self.summary_panel = SummaryPanel(self.document, self)
        self.code_panel = CodePanel(self.document, self)
        self.notes_panel = NotesPanel(self.document, self.open_teach_view, self)
        left = Qt.DockWidgetArea.LeftDockWidgetArea
        right = Qt.DockWidgetArea.RightDockWidgetArea
        bottom = Qt.DockWidgetArea.BottomDockWidgetArea
        self.add_dock(self.palette_panel, "Layers", left, "paletteDock")
        self.add_dock(self.inspector, "Inspector", right, "inspectorDock")
        self.add_dock(self.settings_panel, "Project settings", right, "settingsDock", tabify_with="inspectorDock")
        self.add_dock(self.notes_panel, "Notes", right, "notesDock", tabify_with="settingsDock")
        self.add_dock(self.problems_panel, "Problems", bottom, "problemsDock")
        self.add_dock(self.summary_panel, "Summary", bottom, "summaryDock", tabify_with="problemsDock")
        self.add_dock(self.code_panel, "Code", bottom, "codeDock", tabify_with="summaryDock")
        for panel in (self.problems_panel, self.summary_panel, self.code_panel):
            _modest_minimum_heights(panel)
        self.docks["inspectorDock"].raise_()
        self.docks["problemsDock"].raise_()
        self.resizeDocks([self.docks["paletteDock"], self.docks["inspectorDock"]], [210, 300],
                         Qt.Orientation.Horizontal)
        self.resizeDocks([self.docks["problemsDock"]], [220], Qt.Orientation.Vertical)
        self.docks["codeDock"].visibilityChanged.connect(self._on_code_dock_visibility_changed)
        # Each dock area's size as the user (or a panel, or a restored layout) last set it, and as last measured:
        # a small window shrinks the docks for the canvas, and growing it again gives them that size back.
        self._dock_wanted: dict[str, int] = {}
        self._dock_seen: dict[str, int] = {}
        self._dock_seen_window = QSize()
        self._room_check_pending = False

        # -- actions, menus, toolbar, status bar -----------------------------------------------------
        self._make_actions()
        self._make_menus()
        install_teach_menu(self)
        self._make_toolbar()
        # "Zoom" in words: a bare "86 %" right after "● valid" read as a score of the network
        self.zoom_label = QLabel("Zoom 100 %")
        self.zoom_label.setToolTip("Canvas zoom (mouse wheel, Zoom − / Zoom +, Fit to view)")
        self.counts_label = QLabel()
        self.statusBar().addPermanentWidget(self.counts_label)
        self.statusBar().addPermanentWidget(self.zoom_label)

        # -- wiring --------------------------------------------------------------------------------------
        d = self.document
        d.modified_changed.connect(self._update_title)
        d.path_changed.connect(self._update_title)
        d.project_replaced.connect(self._on_document_project_replaced)
        d.current_graph_changed.connect(self._on_document_current_graph_changed)
        d.undo_stack.canUndoChanged.connect(self._update_actions)
        d.undo_stack.canRedoChanged.connect(self._update_actions)
        d.undo_stack.undoTextChanged.connect(self._update_actions)
        d.undo_stack.redoTextChanged.connect(self._update_actions)
        self.scene.selectionChanged.connect(self._on_scene_selection_changed)
        self.scene.insert_requested.connect(self._on_scene_insert_requested)
        self.scene.add_connected_requested.connect(self._on_scene_add_connected_requested)
        self.view.message.connect(self.show_message)
        self.view.zoom_changed.connect(self._on_view_zoom_changed)
        self.view.customContextMenuRequested.connect(self._on_view_context_menu_requested)
        self.inspector.message.connect(self.show_message)
        self.settings_panel.message.connect(self.show_message)
        self.settings_panel.preview_requested.connect(self._on_settings_preview_requested)
        self.palette_panel.add_requested.connect(self._on_palette_add_requested)
        self.problems_panel.node_activated.connect(self._on_problems_node_activated)
        self.problems_panel.counts_changed.connect(self._on_problems_counts_changed)
        self.graph_tabs.currentChanged.connect(self._on_graph_tabs_current_changed)
        QGuiApplication.clipboard().dataChanged.connect(self._update_actions)

        self.autosaver = Autosaver(self.document, interval_ms=autosave_interval_ms or 60_000, parent=self)
        self._rebuild_graph_tabs()
        self.problems_panel.refresh()
        self._update_title()
        self._update_actions()
        self.resize(1360, 860)

    # ====================================================================== extension points
    def add_dock(self, widget: QWidget, title: str, area: Qt.DockWidgetArea = Qt.DockWidgetArea.RightDockWidgetArea,
                 object_name: str | None = None, tabify_with: str | None = None) -> QDockWidget:
        """Add a panel; ``object_name`` must be stable so its place is restored (QSettings)."""
        dock = QDockWidget(title, self)
        dock.setObjectName(object_name or f"{title.replace(' ', '')}Dock")
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetClosable
                         | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
        self.addDockWidget(area, dock)
        if tabify_with and tabify_with in self.docks:
            self.tabifyDockWidget(self.docks[tabify_with], dock)
        self.docks[dock.objectName()] = dock
        panels = getattr(self, "panels_menu", None)
        if panels is not None:
            panels.addAction(dock.toggleViewAction())
        return dock

    def add_toolbar_section(self, title: str, actions: list[QAction] | None = None) -> QToolBar:
        """A new toolbar (e.g. "Training": Train, Pause, Stop) placed after the main one."""
        bar = QToolBar(title, self)
        bar.setObjectName(f"{title.replace(' ', '')}Toolbar")
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for a in actions or []:
            bar.addAction(a)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
        return bar

    def add_toolbar(self, toolbar: QToolBar) -> None:
        """A controller's toolbar on its own row: beside the editing toolbar it overflows a laptop screen."""
        self.addToolBarBreak()
        self.addToolBar(toolbar)

    def report_problem(self, message: str, source: str = "Training") -> None:
        self.problems_panel.add_runtime_problem(message, "error", source=source)

    def clear_problems(self, source: str = "Training") -> None:
        self.problems_panel.clear_runtime_problems(source)

    def show_error(self, title: str, message: str) -> None:
        self.show_dialog("error", title, message)

    def ask_question(self, title: str, text: str) -> bool:
        return bool(self.show_dialog("question", title, text))

    def ask_choice(self, title: str, text: str, choices: dict[str, str]) -> str | None:
        return self.show_dialog("choice", title, text, choices=choices)

    def add_menu(self, title: str) -> QMenu:
        """A top-level menu inserted before Help."""
        menu = QMenu(title, self)
        self.menuBar().insertMenu(self.help_menu.menuAction(), menu)
        return menu

    def set_editing_locked(self, locked: bool, reason: str = DEFAULT_LOCK_REASON) -> None:
        """Lock (or unlock) every edit while training runs: banner, read-only canvas and forms, no undo."""
        self._locked = bool(locked)
        self.document.set_editing_locked(locked, reason)
        self.scene.set_locked(locked)
        self.inspector.set_locked(locked)
        self.settings_panel.set_locked(locked)
        self.palette_panel.tree.setDragEnabled(not locked)
        self.palette_panel.setEnabled(not locked)
        self.lock_banner.setText(reason if locked else "")
        self.lock_banner.setVisible(locked)
        self._update_actions()

    @property
    def editing_locked(self) -> bool:
        return self._locked

    def load_extensions(self) -> None:
        """Let the training controller (if installed) add its toolbar, docks and menu."""
        try:
            from . import training_controller
        except ImportError:
            return
        install = getattr(training_controller, "install", None)
        if callable(install):
            try:
                install(self)
            except Exception as exc:  # noqa: BLE001 - a broken extension must not stop the editor
                self.show_message(f"The training tools could not be loaded: {exc}")

    # ====================================================================== dialogs
    def show_dialog(self, kind: str, title: str, text: str = "", **options: Any) -> Any:
        """Every dialog of the window. Kinds and results:

        ``error``/``warning``/``info`` -> None; ``question`` -> bool; ``choice`` (option ``choices``: key ->
        button text) -> key or None; ``save_changes`` -> "save" |
        "discard" | "cancel"; ``recover`` -> bool; ``open_file`` -> path or None; ``save_file`` (option
        ``suggested``) -> path or None. Tests replace this method to answer without blocking.
        """
        if kind in ("error", "warning", "info"):
            icon = {"error": QMessageBox.Icon.Critical, "warning": QMessageBox.Icon.Warning,
                    "info": QMessageBox.Icon.Information}[kind]
            box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, self)
            box.exec()
            return None
        if kind in ("question", "recover"):
            box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=self)
            yes = box.addButton("Recover" if kind == "recover" else "Yes", QMessageBox.ButtonRole.AcceptRole)
            box.addButton("Discard" if kind == "recover" else "No", QMessageBox.ButtonRole.RejectRole)
            box.exec()
            return box.clickedButton() is yes
        if kind == "choice":
            box = QMessageBox(QMessageBox.Icon.Warning, title, text, parent=self)
            buttons = {id(box.addButton(label, QMessageBox.ButtonRole.AcceptRole)): key
                       for key, label in options.get("choices", {}).items()}
            box.addButton(QMessageBox.StandardButton.Cancel)
            box.exec()
            return buttons.get(id(box.clickedButton()))
        if kind == "save_changes":
            answer = QMessageBox.question(
                self, title, text,
                QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Save)
            return {QMessageBox.StandardButton.Save: "save",
                    QMessageBox.StandardButton.Discard: "discard"}.get(answer, "cancel")
        if kind == "open_file":
            path, _ = QFileDialog.getOpenFileName(self, title, options.get("directory", ""), FILE_FILTER)
            return path or None
        if kind == "save_file":
            path, _ = QFileDialog.getSaveFileName(self, title, options.get("suggested", ""), FILE_FILTER)
            return path or None
        raise ValueError(f"unknown dialog kind {kind!r}")

    def open_export_dialog(self) -> Any:
        from .widgets.export_dialog import ExportDialog

        controller = getattr(self, "training_controller", None)  # the last run's weights are the default
        dialog = ExportDialog(self.document, self, trainer=getattr(controller, "trainer", None))
        dialog.open()
        return dialog

    def show_message(self, text: str, timeout_ms: int = 6000) -> None:
        self.last_message = text
        self.statusBar().showMessage(text, timeout_ms)

    # ====================================================================== actions
    def _action(self, text: str, slot: Any, shortcut: Any = None, tip: str = "",
                context: Qt.ShortcutContext | None = None) -> QAction:
        a = QAction(text, self)
        if shortcut is not None:
            if isinstance(shortcut, list):
                a.setShortcuts(shortcut)
            else:
                a.setShortcut(shortcut)
        if tip:
            a.setStatusTip(tip)
            a.setToolTip(f"{text.replace('&', '').replace('…', '')}: {tip}")
        if context is not None:
            a.setShortcutContext(context)
        a.triggered.connect(slot)
        self.addAction(a)
        return a

    def _make_actions(self) -> None:
        K = QKeySequence  # noqa: N806 - short alias
        self.new_action = self._action("&New", self.new_project, K(K.StandardKey.New), "Start an empty project")
        self.open_action = self._action("&Open…", lambda: self.open_file(), K(K.StandardKey.Open),
                                        "Open a project file")
        self.save_action = self._action("&Save", self.save, K(K.StandardKey.Save), "Save the project")
        self.save_as_action = self._action("Save &As…", self.save_as, K("Ctrl+Shift+S"),
                                           "Save the project under a new name")
        self.export_action = self._action("&Export…", self.open_export_dialog, K("Ctrl+E"),
                                          "Write the network as PyTorch code, ONNX, safetensors or a torchrun script")
        self.quit_action = self._action("&Quit", self.close, K(K.StandardKey.Quit))
        self.undo_action = self._action("&Undo", self.document.undo, K("Ctrl+Z"), "Undo the last change")
        self.redo_action = self._action("&Redo", self.document.redo, [K("Ctrl+Shift+Z"), K("Ctrl+Y")],
                                        "Redo the change you undid")
        self.copy_action = self._action("&Copy", self.copy_selection, K("Ctrl+C"), "Copy the selected layers")
        self.cut_action = self._action("Cu&t", self.cut_selection, K("Ctrl+X"), "Cut the selected layers")
        self.paste_action = self._action("&Paste", self.paste, K("Ctrl+V"), "Paste copied layers")
        self.duplicate_action = self._action("&Duplicate", self.duplicate_selection, K("Ctrl+D"),
                                             "Duplicate the selected layers")
        self.delete_action = self._action("&Delete", self.delete_selection, [K(Qt.Key.Key_Delete),
                                                                            K(Qt.Key.Key_Backspace)],
                                          "Delete the selected layers and connections")
        self.select_all_action = self._action("Select &All", self.select_all, K("Ctrl+A"),
                                              context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.view.addAction(self.select_all_action)
        self.layout_action = self._action("Auto-&layout", self.auto_layout, K("Ctrl+L"),
                                          "Arrange the layers from left to right")
        self.snap_action = self._action("Snap to &grid", self._on_snap_action_toggled, None,
                                        "Align moved layers to a 20-pixel grid")
        self.snap_action.setCheckable(True)
        self.fit_action = self._action("&Fit to view", self.view.fit_to_view, K("F"), "Show the whole network",
                                       context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.view.addAction(self.fit_action)
        self.zoom_in_action = self._action("Zoom &in", lambda: self.view.set_zoom(self.view.zoom * 1.25),
                                           [K(K.StandardKey.ZoomIn), K("Ctrl+=")], "Show the network larger")
        self.zoom_out_action = self._action("Zoom &out", lambda: self.view.set_zoom(self.view.zoom / 1.25),
                                            K(K.StandardKey.ZoomOut), "Show more of the network")
        self.zoom_in_action.setIconText("Zoom +")  # the toolbar's text; the menu keeps the full words
        self.zoom_out_action.setIconText("Zoom −")
        self.zoom_reset_action = self._action("&Actual size", lambda: self.view.set_zoom(1.0), K("Ctrl+0"))
        self.find_action = self._action("&Find layer…", self.palette_panel.focus_search, K("Ctrl+F"),
                                        "Search the layer palette")
        self.about_action = self._action("&About nnbuilder", self._on_about_action_triggered)
        self.shortcuts_action = self._action("&Keyboard shortcuts", self._on_shortcuts_action_triggered)
        self.guide_action = self._action("&User guide", self.open_user_guide, K(K.StandardKey.HelpContents),
                                         "Open the user guide that comes with nnbuilder")

    def _make_menus(self) -> None:
        mb = self.menuBar()
        file_menu = mb.addMenu("&File")
        file_menu.addAction(self.new_action)
        self.templates_menu = file_menu.addMenu("New from &template")
        for name in TEMPLATES:
            self.templates_menu.addAction(name, lambda n=name: self.new_from_template(n))
        file_menu.addAction(self.open_action)
        self.recent_menu = file_menu.addMenu("Open &recent")
        self.recent_menu.aboutToShow.connect(self._on_recent_menu_about_to_show)
        self.examples_menu = file_menu.addMenu("&Examples")
        self.examples_menu.aboutToShow.connect(self._on_examples_menu_about_to_show)
        file_menu.addSeparator()
        file_menu.addAction(self.save_action)
        file_menu.addAction(self.save_as_action)
        file_menu.addAction(self.export_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)

        edit = mb.addMenu("&Edit")
        for a in (self.undo_action, self.redo_action, None, self.cut_action, self.copy_action, self.paste_action,
                  self.duplicate_action, self.delete_action, self.select_all_action, None, self.find_action):
            edit.addSeparator() if a is None else edit.addAction(a)

        view = mb.addMenu("&View")
        for a in (self.fit_action, self.zoom_in_action, self.zoom_out_action, self.zoom_reset_action, None,
                  self.layout_action, self.snap_action):
            view.addSeparator() if a is None else view.addAction(a)
        view.addSeparator()
        theme_menu = view.addMenu("&Theme")
        group = QActionGroup(self)
        current = str(app_settings_mod.app_settings().value("theme", "system"))
        self.theme_actions: dict[str, QAction] = {}
        for theme in THEMES:
            a = theme_menu.addAction(theme.capitalize(), lambda t=theme: self.set_theme(t))
            a.setCheckable(True)
            a.setChecked(theme == current)
            group.addAction(a)
            self.theme_actions[theme] = a
        self.panels_menu = view.addMenu("&Panels")
        for dock in self.docks.values():
            self.panels_menu.addAction(dock.toggleViewAction())

        self.help_menu = mb.addMenu("&Help")
        self.help_menu.addAction(self.guide_action)
        self.help_menu.addAction(self.shortcuts_action)
        self.help_menu.addAction(self.about_action)

    def _make_toolbar(self) -> None:
        bar = QToolBar("Main", self)
        bar.setObjectName("MainToolbar")
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for a in (self.new_action, self.open_action, self.save_action, None, self.undo_action, self.redo_action,
                  None, self.zoom_out_action, self.zoom_in_action, self.fit_action, self.layout_action,
                  self.snap_action):
            bar.addSeparator() if a is None else bar.addAction(a)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
        self.main_toolbar = bar

    def _update_actions(self, *args: object) -> None:
        stack = self.document.undo_stack
        editable = not self._locked
        self.undo_action.setEnabled(editable and stack.canUndo())
        self.redo_action.setEnabled(editable and stack.canRedo())
        # The text stays "Undo"/"Redo" so the toolbar never jumps; what would be undone is in the tooltip.
        self.undo_action.setToolTip(f"Undo {stack.undoText()} (Ctrl+Z)" if stack.canUndo() else "Nothing to undo")
        self.redo_action.setToolTip(f"Redo {stack.redoText()} (Ctrl+Shift+Z)" if stack.canRedo()
                                    else "Nothing to redo")
        self.undo_action.setStatusTip(self.undo_action.toolTip())
        self.redo_action.setStatusTip(self.redo_action.toolTip())
        has_sel = bool(self.scene.selectedItems())
        for a in (self.delete_action,):
            a.setEnabled(editable and has_sel)
        for a in (self.cut_action, self.duplicate_action):
            a.setEnabled(editable and bool(self.scene.selected_node_ids()))
        self.copy_action.setEnabled(bool(self.scene.selected_node_ids()))
        self.paste_action.setEnabled(editable)
        for a in (self.layout_action, self.new_action, self.open_action, self.templates_menu.menuAction(),
                  self.examples_menu.menuAction(), self.recent_menu.menuAction()):
            a.setEnabled(editable)

    # ====================================================================== title
    def _update_title(self, *args: object) -> None:
        self.setWindowTitle(f"{self.document.display_name}[*] — {APP_NAME}")
        self.setWindowModified(self.document.is_modified)
        self.save_action.setEnabled(True)

    def title_text(self) -> str:
        """The title as shown (``*`` when modified)."""
        return self.windowTitle().replace("[*]", "*" if self.isWindowModified() else "")

    # ====================================================================== files
    def maybe_save(self) -> bool:
        """Ask about unsaved changes (and unsaved trained weights); True when it is fine to go on."""
        if not all(guard() for guard in self.leave_guards):
            return False
        if not self.document.is_modified:
            return True
        answer = self.show_dialog("save_changes", "Unsaved changes",
                                  f"{self.document.display_name} has changes that are not saved. Save them?")
        if answer == "save":
            return self.save()
        return answer == "discard"

    def new_project(self) -> bool:
        return self.new_from_template("Empty")

    def new_from_template(self, name: str) -> bool:
        if self._locked or not self.maybe_save():
            return False
        project = TEMPLATES[name]()
        suggested = None if name == "Empty" else f"{project.name.lower().replace(' ', '_')}.nnb"
        self.document.replace_project(project, None, suggested_name=suggested)
        return True

    def open_file(self, path: str | Path | None = None, *, ask_to_save: bool = True) -> bool:
        """Open a project; a bad file shows the ProjectError sentence and leaves the open project untouched."""
        if self._locked:
            return False
        if ask_to_save and not self.maybe_save():
            return False
        if path is None:
            path = self.show_dialog("open_file", "Open project", directory=str(self.file_dialog_folder()))
            if not path:
                return False
        if is_bundled(path):  # e.g. double-clicked in the install folder: Save must not write there
            return self.open_example(path, ask_to_save=False)
        try:
            project = load_project(path)
        except Exception as exc:  # noqa: BLE001 - ProjectError, or anything unforeseen: a sentence, not a crash
            self.show_dialog("error", "Cannot open project", _load_failure(path, exc))
            return False
        self.document.replace_project(project, Path(path))
        app_settings_mod.add_recent_file(path)
        app_settings_mod.set_last_folder(path)
        self.show_message(f"Opened {Path(path).name}.")
        return True

    def open_example(self, path: str | Path, *, ask_to_save: bool = True) -> bool:
        """Open a bundled example as an unsaved copy (Save asks where, so examples stay intact)."""
        if self._locked or (ask_to_save and not self.maybe_save()):
            return False
        try:
            project = load_project(path)
        except Exception as exc:  # noqa: BLE001 - see open_file
            self.show_dialog("error", "Cannot open example", _load_failure(path, exc))
            return False
        self.document.replace_project(project, None, suggested_name=Path(path).name)
        if project.notes.strip():  # an example's notes are for the class: show them beside the network
            self.docks["notesDock"].raise_()
        return True

    def open_teach_view(self, key: str) -> Any:
        """Open a Teach menu view by its key (the notes' links use this); "timeline" brings the replay forward."""
        if key == "timeline":
            return self.teach.open_timeline()
        return self.teach.open(key)

    def save(self) -> bool:
        if self.document.path is None:
            return self.save_as()
        return self._save_to(self.document.path)

    def save_as(self) -> bool:
        return self._save_as(offer_save_as=True)

    def file_dialog_folder(self) -> Path:
        """Where Open and Save As start: the project's own folder when it has a file, else the folder last
        used to open or save one (an example or a new project has no folder of its own; the example's
        install folder is read-only, and the launch folder is rarely where the user keeps projects)."""
        path = self.document.path
        if path is not None and not is_bundled(path):
            return path.parent
        return app_settings_mod.last_folder()

    def suggested_save_path(self) -> Path:
        """Save As's proposal: the project's own file, or its name (the example's file name, the template's, or
        untitled.nnb) in ``file_dialog_folder``, so the dialog opens where Open does, with a name ready."""
        if self.document.path is not None and not is_bundled(self.document.path):
            return self.document.path
        name = self.document.display_name if self.document.display_name != "Untitled" else "untitled.nnb"
        name = Path(name).name  # a name, never a path that would take the dialog elsewhere
        if not name.lower().endswith(".nnb"):
            name += ".nnb"
        return self.file_dialog_folder() / name

    def _save_as(self, *, offer_save_as: bool) -> bool:
        path = self.show_dialog("save_file", "Save project as", suggested=str(self.suggested_save_path()))
        if not path:
            return False
        p = Path(path)
        if p.suffix.lower() != ".nnb":
            p = p.with_name(p.name + ".nnb")
        return self._save_to(p, offer_save_as=offer_save_as)

    def _save_to(self, path: Path, *, offer_save_as: bool = True) -> bool:
        """Save, or say why not and keep everything as it is (the window stays open, the edits stay)."""
        try:
            self.document.save(path)
        except OSError as exc:
            reason = exc.strerror or str(exc)
            text = f"{path}: could not be written ({reason}). Your changes are not lost."
            if offer_save_as and self.show_dialog("question", "Cannot save project",
                                                  text + " Save them somewhere else?"):
                return self._save_as(offer_save_as=False)
            if not offer_save_as:
                self.show_dialog("error", "Cannot save project", text)
            return False
        except Exception as exc:  # noqa: BLE001 - ProjectError names the field; anything else still gets a sentence
            detail = str(exc) if isinstance(exc, ProjectError) else f"{type(exc).__name__}: {exc}"
            self.show_dialog("error", "Cannot save project",
                             f"{path}: the project could not be saved: {detail} Nothing was written and your "
                             "changes are still open; fix the field named and save again.")
            return False
        app_settings_mod.add_recent_file(path)
        app_settings_mod.set_last_folder(path)
        self.autosaver.discard()
        self.show_message(f"Saved {path.name}.")
        return True

    def example_files(self) -> list[tuple[str, Path]]:
        """(project name, path) of every bundled example, sorted by name."""
        out = []
        for path in sorted(examples_dir().glob("*.nnb")):
            try:
                import json

                name = str(json.loads(path.read_text(encoding="utf-8")).get("name") or path.stem)
            except (OSError, ValueError):
                name = path.stem
            out.append((name, path))
        return sorted(out, key=lambda t: t[0].lower())

    def _on_examples_menu_about_to_show(self) -> None:
        self.examples_menu.clear()
        for name, path in self.example_files():
            a = self.examples_menu.addAction(name, lambda p=path: self.open_example(p))
            a.setStatusTip(str(path.name))
        if self.examples_menu.isEmpty():
            self.examples_menu.addAction("(no examples found)").setEnabled(False)

    def _on_recent_menu_about_to_show(self) -> None:
        self.recent_menu.clear()
        files = app_settings_mod.recent_files()
        for f in files:
            self.recent_menu.addAction(Path(f).name, lambda p=f: self.open_file(p)).setStatusTip(f)
        if not files:
            self.recent_menu.addAction("(none yet)").setEnabled(False)
        else:
            self.recent_menu.addSeparator()
            self.recent_menu.addAction("Clear list", app_settings_mod.clear_recent_files)

    def offer_recovery(self) -> bool:
        """After a crash: offer the newest recovery file; True when it was loaded."""
        found = find_recoveries(self.autosaver.folder)
        if not found:
            return False
        rec = found[0]
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(rec.saved_at))
        where = f" (from {rec.original})" if rec.original else ""
        if not self.show_dialog("recover", "Recover unsaved work?",
                                f"nnbuilder did not close properly. Recover the unsaved changes to {rec.name}{where}, "
                                f"autosaved at {when}?"):
            for r in found:
                r.discard()
            return False
        try:
            project = load_project(rec.path)
        except Exception as exc:  # noqa: BLE001 - see open_file
            self.show_dialog("error", "Cannot recover", _load_failure(rec.path, exc))
            if isinstance(exc, ProjectError):  # a damaged file; anything else may be our fault, so keep it
                rec.discard()
            return False
        original = Path(rec.original) if rec.original else None
        self.document.replace_project(project, original, modified=True,
                                      suggested_name=None if original else rec.name)
        for r in found:
            r.discard()
        self.show_message("Recovered unsaved work; save it to keep it.")
        return True

    # ====================================================================== edit commands
    def _run(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except EditRefusedError as exc:
            self.show_message(str(exc))
            return None

    def add_layer(self, type_id: str, scene_pos: QPointF | None = None) -> str | None:
        """Add a layer at ``scene_pos`` (its centre), or at a free spot in the middle of the view."""
        spot = self.view.free_spot(scene_pos if scene_pos is not None else self.view.visible_center())
        nid = self._run(self.document.add_node, type_id, (spot.x(), spot.y()))
        if nid:
            self.scene.select_nodes([nid])
        return nid

    def delete_selection(self) -> None:
        self._run(self.document.remove_items, self.scene.selected_node_ids(), self.scene.selected_edges())

    def copy_selection(self) -> None:
        ids = self.scene.selected_node_ids()
        if not ids:
            return
        text = self.document.copy_nodes(ids)
        # Plain text (a small .nnb document): a QMimeData made in Python and handed to the clipboard is
        # freed twice when the application exits (PySide6 crash at shutdown), and text pastes anywhere.
        QGuiApplication.clipboard().setText(text)
        self._paste_count = 0
        self.show_message(f"Copied {len(ids)} layer{'s' if len(ids) != 1 else ''}.")

    def cut_selection(self) -> None:
        if self._locked:
            return
        self.copy_selection()
        self.delete_selection()

    def paste(self) -> list[str]:
        text = QGuiApplication.clipboard().text()
        if not text:
            return []
        self._paste_count += 1
        ids = self._run(self.document.paste, text, (40.0 * self._paste_count, 40.0 * self._paste_count)) or []
        if ids:
            self.scene.select_nodes(ids)
        return ids

    def duplicate_selection(self) -> list[str]:
        ids = self.scene.selected_node_ids()
        if not ids or self._locked:
            return []
        new = self._run(self.document.paste, self.document.copy_nodes(ids), (40.0, 40.0)) or []
        if new:
            self.scene.select_nodes(new)
        return new

    def select_all(self) -> None:
        for item in self.scene.nodes.values():
            item.setSelected(True)

    def auto_layout(self) -> None:
        """Arrange left to right, wrapping into bands what would not fit the canvas at about 80 %."""
        from .layout import COLUMN_WIDTH

        columns = max(3, int(self.view.viewport().width() / (0.8 * COLUMN_WIDTH)))
        self._run(self.document.auto_layout, max_columns=columns)
        self.view.fit_to_view()

    def set_theme(self, theme: str) -> None:
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, theme)
        s = app_settings_mod.app_settings()
        s.setValue("theme", theme)
        s.sync()
        if theme in getattr(self, "theme_actions", {}):
            self.theme_actions[theme].setChecked(True)
        self.scene.refresh_theme()
        self.view.viewport().update()

    # ====================================================================== layout persistence
    def save_layout(self) -> None:
        s = app_settings_mod.app_settings()
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState())
        s.setValue("canvas/snap", self.snap_action.isChecked())
        s.sync()

    def restore_layout(self) -> None:
        s = app_settings_mod.app_settings()
        geometry = s.value("window/geometry")
        state = s.value("window/state")
        if geometry is not None:
            self.restoreGeometry(geometry)
        if state is not None:
            self.restoreState(state)
            self._dock_wanted.clear()  # the restored sizes are the user's
            self._dock_seen.clear()
            self._schedule_room_check()
        snap = s.value("canvas/snap", False)
        snap_on = snap in (True, "true", "1", 1)
        self.snap_action.setChecked(snap_on)
        self.scene.snap_to_grid = snap_on

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        QTimer.singleShot(0, self._hide_stale_dock_tab_bars)
        self._schedule_room_check()

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self._schedule_room_check()

    def _schedule_room_check(self) -> None:
        """Check the canvas's room once the layout has taken the new size (one check for a burst of resizes)."""
        if not self._room_check_pending:
            self._room_check_pending = True
            QTimer.singleShot(0, self._keep_canvas_room)

    def _shown_docks(self, area: Qt.DockWidgetArea) -> list[QDockWidget]:
        """The docks of ``area`` on screen now: not floating, not closed, not a tab behind another (Qt moves
        those outside the window but still calls them visible)."""
        return [d for d in self.docks.values() if self.dockWidgetArea(d) == area and not d.isFloating()
                and d.isVisible() and self.rect().intersects(d.geometry())]

    def dock_room(self) -> dict[str, int]:
        """Pixels beside and below the canvas taken by each dock area, its separator and tab bar included."""
        c = self.centralWidget().geometry()
        bar = self.statusBar()
        bottom_edge = bar.geometry().top() if bar.isVisible() else self.height()
        room = {"left": c.left(), "right": self.width() - c.right() - 1, "bottom": bottom_edge - c.bottom() - 1}
        areas = {"left": Qt.DockWidgetArea.LeftDockWidgetArea, "right": Qt.DockWidgetArea.RightDockWidgetArea,
                 "bottom": Qt.DockWidgetArea.BottomDockWidgetArea}
        return {k: max(0, v) for k, v in room.items() if v > 0 and self._shown_docks(areas[k])}

    def _keep_canvas_room(self) -> None:
        """Give the canvas its share of a small window (CANVAS_SHARE), taking it from the docks, and give the
        docks back the size they had once the window grows again.

        Only the window's size triggers this, so a dock the user drags larger on a small window stays so.
        """
        self._room_check_pending = False
        central = self.centralWidget()
        if central is None or not self.isVisible():
            return
        room = self.dock_room()
        window_same = self.size() == self._dock_seen_window
        for area, now in room.items():
            seen = self._dock_seen.get(area)
            # Changed by someone else (a separator drag, a panel, a restored layout), not squeezed by a smaller
            # window: that is the size wanted from now on.
            if seen is None or now > seen + 2 or (window_same and abs(now - seen) > 2):
                self._dock_wanted[area] = now
        wanted = {area: self._dock_wanted.get(area, now) for area, now in room.items()}
        width = central.width() + room.get("left", 0) + room.get("right", 0)
        sides_max = width - min(CANVAS_SHARE[0] * width, CANVAS_ROOM[0])
        sides = wanted.get("left", 0) + wanted.get("right", 0)
        scale = min(1.0, sides_max / sides) if sides else 1.0
        height = central.height() + room.get("bottom", 0)
        bottom_max = height - min(CANVAS_SHARE[1] * height, CANVAS_ROOM[1])
        target = {area: int(size * scale) for area, size in wanted.items() if area != "bottom"}
        if "bottom" in wanted:
            target["bottom"] = int(min(wanted["bottom"], bottom_max))
        areas = {"left": Qt.DockWidgetArea.LeftDockWidgetArea, "right": Qt.DockWidgetArea.RightDockWidgetArea,
                 "bottom": Qt.DockWidgetArea.BottomDockWidgetArea}
        layout = self.layout()
        asked: dict[str, dict[QDockWidget, int]] = {}  # the sizes resizeDocks was given, per area
        for _attempt in range(3):  # a tab bar (resizeDocks counts it, height() does not) or a minimum size can
            changed = False       # make one resizeDocks fall short: measure and correct
            for area, size in target.items():
                if area in room and abs(size - room[area]) > 2:
                    asked[area] = self._resize_area(areas[area], size - room[area], asked.get(area))
                    changed = changed or bool(asked[area])
            if not changed or layout is None:
                break
            layout.activate()
            after = self.dock_room()
            if after == room:  # nothing moved (minimum sizes): done
                break
            room = after
        self._dock_seen = self.dock_room()
        self._dock_seen_window = self.size()

    def _resize_area(self, area: Qt.DockWidgetArea, delta: int,
                     before: dict[QDockWidget, int] | None = None) -> dict[QDockWidget, int]:
        """Grow (or shrink, ``delta`` < 0) the docks shown in ``area`` by ``delta`` pixels in all, each by its
        share: docks side by side across the area each change by ``delta``, stacked ones share it.

        ``before``: the sizes the previous call asked for (a correction starts from them, not from the
        docks' heights, which leave out a tab group's tab bar). Returns the sizes asked for now.
        """
        docks = self._shown_docks(area)
        if not docks:
            return {}
        vertical = area in (Qt.DockWidgetArea.TopDockWidgetArea, Qt.DockWidgetArea.BottomDockWidgetArea)
        spans = sorted((d.y(), d.y() + d.height()) if vertical else (d.x(), d.x() + d.width()) for d in docks)
        covered, end = 0, None
        for start, stop in spans:  # the length the docks cover along the resize, overlaps counted once
            if end is None or start >= end:
                covered += stop - start
                end = stop
            elif stop > end:
                covered += stop - end
                end = stop
        sizes = [d.height() if vertical else d.width() for d in docks]
        new = [max(1, int((before or {}).get(d, size) + delta * size / max(1, covered)))
               for d, size in zip(docks, sizes, strict=True)]
        self.resizeDocks(docks, new, Qt.Orientation.Vertical if vertical else Qt.Orientation.Horizontal)
        return dict(zip(docks, new, strict=True))

    def _hide_stale_dock_tab_bars(self) -> None:
        """Qt 6 can leave the tab bar of an earlier, smaller tab group visible when a third dock is
        tabified during construction (seen offscreen over the palette); hide bars that show fewer
        tabs than their group has."""
        by_title = {d.windowTitle().split(" (")[0]: d for d in self.docks.values()}
        for bar in self.findChildren(QTabBar):
            if bar.parent() is not self or bar is self.graph_tabs or not bar.isVisible() or not bar.count():
                continue
            dock = by_title.get(bar.tabText(0).split(" (")[0])
            if dock is not None and bar.count() < 1 + len(self.tabifiedDockWidgets(dock)):
                bar.hide()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt API
        # A running training (editing locked) is confirmed by the training controller's own close filter.
        if not self.maybe_save():
            event.ignore()
            return
        self.save_layout()
        self.autosaver.discard()
        event.accept()

    # ====================================================================== slots
    def _on_document_project_replaced(self) -> None:
        self._paste_count = 0
        self.statusBar().clearMessage()
        self._rebuild_graph_tabs()
        self._update_title()
        self._update_actions()
        QTimer.singleShot(0, self.view.fit_to_view)
        self.view.fit_to_view()

    def _on_document_current_graph_changed(self, name: str) -> None:
        names = [g.name for g in self.document.project.graphs]
        if name in names and self.graph_tabs.currentIndex() != names.index(name):
            self.graph_tabs.blockSignals(True)
            self.graph_tabs.setCurrentIndex(names.index(name))
            self.graph_tabs.blockSignals(False)
        self.inspector.set_selection([])
        self.view.fit_to_view()

    def _rebuild_graph_tabs(self) -> None:
        tabs = self.graph_tabs
        tabs.blockSignals(True)
        while tabs.count():
            tabs.removeTab(0)
        graphs = self.document.project.graphs
        for g in graphs:
            label = g.name if g.role in ("model", g.name) else f"{g.name} ({g.role})"
            tabs.addTab(label)
        names = [g.name for g in graphs]
        tabs.setCurrentIndex(names.index(self.document.current_graph_name))
        tabs.blockSignals(False)
        tabs.setVisible(len(graphs) > 1)

    def _on_graph_tabs_current_changed(self, index: int) -> None:
        graphs = self.document.project.graphs
        if 0 <= index < len(graphs):
            self.document.set_current_graph(graphs[index].name)

    def _on_scene_selection_changed(self) -> None:
        try:
            ids = self.scene.selected_node_ids()
        except RuntimeError:  # items being deleted during a rebuild
            return
        self.inspector.set_selection(ids)
        if ids:  # a chosen layer is edited in the Inspector, even when Project settings was in front
            self.docks["inspectorDock"].raise_()
        self._update_actions()

    def _on_palette_add_requested(self, type_id: str) -> None:
        if self.add_layer(type_id):
            self.view.setFocus()

    def _on_problems_node_activated(self, graph: str, node_id: str) -> None:
        if graph != self.document.current_graph_name:
            try:
                self.document.set_current_graph(graph)
            except ProjectError:
                return
        if node_id in self.scene.nodes:
            self.scene.select_nodes([node_id])
            self.view.center_on_node(node_id)

    def _on_problems_counts_changed(self, errors: int, warnings: int) -> None:
        dock = self.docks.get("problemsDock")
        if errors or warnings:
            parts = []
            if errors:
                parts.append(f"{errors} error{'s' if errors != 1 else ''}")
            if warnings:
                parts.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
            text = ", ".join(parts)
            color = "#D62728" if errors else "#B7791F"
            self.counts_label.setText(f"<span style='color:{color}'>● {text}</span>")
            if dock is not None:  # every listed row counts, notes included, so the title matches the list
                dock.setWindowTitle(f"Problems ({self.problems_panel.tree.topLevelItemCount()})")
        else:
            self.counts_label.setText("<span style='color:#2CA02C'>● valid</span>")
            rows = self.problems_panel.tree.topLevelItemCount()  # notes only
            if dock is not None:
                dock.setWindowTitle(f"Problems ({rows})" if rows else "Problems")

    def _on_view_zoom_changed(self, zoom: float) -> None:
        self.zoom_label.setText(f"Zoom {zoom * 100:.0f} %")

    def _on_code_dock_visibility_changed(self, visible: bool) -> None:
        self.code_panel.set_active(visible)

    def _on_snap_action_toggled(self) -> None:
        self.scene.snap_to_grid = self.snap_action.isChecked()

    def _insertable(self, spec: LayerSpec) -> bool:
        return bool(spec.inputs) and bool(spec.outputs) and not spec.is_source

    def open_layer_picker(self, scene_pos: QPointF, on_pick: Any, accept: Any = None) -> LayerPicker:
        picker = LayerPicker(self, accept=accept)
        picker.picked.connect(on_pick)
        global_pos = self.view.viewport().mapToGlobal(self.view.mapFromScene(scene_pos))
        picker.popup(global_pos + QPoint(8, 8))
        self._picker = picker
        return picker

    def _on_scene_insert_requested(self, edge: Edge, pos: QPointF) -> None:
        def insert(type_id: str) -> None:
            nid = self._run(self.document.insert_node_on_edge, edge, type_id,
                            (pos.x() - NODE_WIDTH / 2, pos.y() - NODE_HEIGHT / 2))
            if nid:
                self.scene.select_nodes([nid])

        self.open_layer_picker(pos, insert, self._insertable)

    def _on_scene_add_connected_requested(self, node_id: str, port: str, pos: QPointF) -> None:
        """Dragging from an output into empty space offers to add a layer connected to it."""
        def add(type_id: str) -> None:
            nid = self._run(self.document.add_connected_node, node_id, port, type_id,
                            (pos.x(), pos.y() - NODE_HEIGHT / 2))
            if nid:
                self.scene.select_nodes([nid])

        self.open_layer_picker(pos, add, self._insertable)

    def _on_view_context_menu_requested(self, pos: QPoint) -> None:
        scene_pos = self.view.mapToScene(pos)
        item = self.view.itemAt(pos)
        while item is not None and not isinstance(item, NodeItem) and item.parentItem() is not None:
            item = item.parentItem()
        menu = QMenu(self)
        if isinstance(item, NodeItem):
            if not item.isSelected():
                self.scene.select_nodes([item.node_id])
            menu.addAction(self.duplicate_action)
            menu.addAction(self.copy_action)
            menu.addAction(self.cut_action)
            menu.addAction(self.delete_action)
            rename = menu.addAction("Rename…", self._focus_rename)
            rename.setEnabled(not self._locked)
        else:
            add = menu.addAction("Add layer here…", lambda: self.open_layer_picker(
                scene_pos, lambda t: self.add_layer(t, scene_pos)))
            add.setEnabled(not self._locked)
            menu.addAction(self.paste_action)
            menu.addAction(self.select_all_action)
            menu.addSeparator()
            menu.addAction(self.layout_action)
            menu.addAction(self.fit_action)
        menu.popup(self.view.viewport().mapToGlobal(pos))
        self._context_menu = menu

    def _focus_rename(self) -> None:
        self.docks["inspectorDock"].raise_()
        if self.inspector.name_edit is not None:
            self.inspector.name_edit.setFocus()
            self.inspector.name_edit.selectAll()

    def _on_settings_preview_requested(self) -> None:
        try:
            self.teach.open("data")  # the same window as Teach ▸ Data first, kept up to date with the project
        except Exception as exc:  # noqa: BLE001 - the preview is an add-on; the editor goes on without it
            self.show_message(f"The data preview could not open: {exc}")

    def open_user_guide(self) -> bool:
        """Show the bundled user guide (docs/user_guide_editor.md) in a window of its own; works offline."""
        from .widgets.guide import GuideWindow, guide_path

        path = guide_path()
        if path is None:
            self.show_dialog("error", "User guide", "The user guide is missing from this installation.")
            return False
        if getattr(self, "_guide", None) is None:
            self._guide = GuideWindow(path, self)
        self._guide.show()
        self._guide.raise_()
        return True

    def _on_about_action_triggered(self) -> None:
        self.show_dialog("info", "About nnbuilder", about_text())

    def _on_shortcuts_action_triggered(self) -> None:
        self.show_dialog("info", "Keyboard shortcuts", SHORTCUTS_TEXT)


def _modest_minimum_heights(widget: QWidget) -> None:
    """Let the lists and editors of a bottom panel shrink to a few rows (they scroll) so a small window's dock
    can be short; the panel's own minimum then comes from its labels and buttons, which stay whole."""
    for view in widget.findChildren(QAbstractScrollArea):
        view.setMinimumHeight(min(view.minimumSizeHint().height(), DOCK_VIEW_MIN_HEIGHT))


def _load_failure(path: str | Path, exc: BaseException) -> str:
    """The sentence for a file that did not open: the loader's own, or one for anything it did not foresee."""
    if isinstance(exc, ProjectError):
        return str(exc)
    return f"{path}: could not be opened ({type(exc).__name__}: {exc})."


def about_text() -> str:
    """Version, and the bundled datasets' sources and licences (their terms ask for the attribution)."""
    from .. import __version__

    lines = [f"nnbuilder {__version__} — draw neural networks, compile them to PyTorch and watch them learn.",
             f"Python {sys.version.split()[0]}", "", "Bundled datasets:"]
    try:
        from ..data import list_datasets

        lines += [f"• {d.attribution}" for d in list_datasets()
                  if d.attribution and not d.attribution.startswith("Generated")]
    except Exception as exc:  # noqa: BLE001 - the About box must open even with a broken data module
        lines.append(f"(the dataset list could not be read: {exc})")
    from ..licences import library_lines

    lines += ["", "Bundled libraries and their licences:", *library_lines()]
    return "\n".join(lines)


SHORTCUTS_TEXT = """Commands
Ctrl+N — new project
Ctrl+O — open a project
Ctrl+S — save
Ctrl+Shift+S — save as
Ctrl+E — export (PyTorch code, ONNX, safetensors, torchrun script)
Ctrl+Q — quit (on Windows: Alt+F4)
Ctrl+Z — undo
Ctrl+Shift+Z, Ctrl+Y — redo
Ctrl+C, Ctrl+X, Ctrl+V — copy, cut, paste layers
Ctrl+D — duplicate the selection
Delete, Backspace — delete the selection
Ctrl+A — select all layers (when no text field has the focus)
Ctrl+F — find a layer: search the layer palette
F — fit the network to the view (when no text field has the focus)
Ctrl++, Ctrl+= — zoom in
Ctrl+- — zoom out
Ctrl+0 — actual size (100 %)
Ctrl+L — auto-layout
F5, Ctrl+Return — train
Shift+F5 — stop training
F1 — the user guide (on a Mac: Ctrl+?)
Alt+Left — back to the previous page (in the user guide)

Canvas and palette
Arrow keys — nudge the selected layers 5 px (with Shift: 20 px)
Mouse wheel — zoom around the cursor (with Shift: scroll)
Middle button drag, Space+drag — pan
Drag from a port to another port — connect
Double-click a connection — insert a layer into it
Up, Down, Enter, Esc in the palette's search box — move through the results, add the highlighted layer, clear the search

On a Mac, Ctrl is the Command (⌘) key."""
