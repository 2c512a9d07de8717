"""What a dashboard panel is, and the registry that maps view stream names to panels.

A view is a named stream: the worker computes its frames (``workers/views``) and emits them as
``ViewFrame(name, ...)``; the dashboard hands each frame to the panel registered under that name. Adding a
view therefore means one panel module and one ``register_panel`` line (in ``panels.py``), with no new
signal, message class, tab constant or controller wiring.

Panels store what arrives (``add_frame``, cheap, any rate) and draw in ``refresh``, which the dashboard's
timer calls at most ~30 times a second and only for the visible tab.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from ..workers.messages import DataView, ViewFrame


class ViewPanel(QWidget):
    """Base of every dashboard panel: the calls the dashboard makes, with do-nothing defaults.

    ``command_requested`` carries a request a panel's own buttons make of the run (the GAN Lab's "one step
    of D"); the dashboard forwards it with the panel's name and the controller passes it to the worker.
    """

    command_requested = Signal(str)
    status_changed = Signal(str)  # a line for the dashboard's status label ("epoch 3/10: loss 0.41")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.dirty = False

    def hasHeightForWidth(self) -> bool:  # noqa: N802 (Qt's name)
        """No: a panel takes the height its tab has.

        A word-wrapped label (the GAN Lab's step hint, the Test tab's answers) gives a panel a height for
        each width; the tab stack then asks every page for its preferred height, and the scroll area around
        the dashboard made it that tall (627 px in a 290 px dock): the GAN Lab's plane, its step buttons and
        the Test tab's buttons ended below the dock's edge.
        """
        return False

    def begin_run(self, label: str) -> None:
        """A new run starts; forget what only made sense for the previous one."""

    def clear(self) -> None:
        """The runs shown were cleared ("Clear runs", another project opened): nothing of them stays on
        screen. The default forgets what a new run would."""
        self.begin_run("")
        self.dirty = True

    def set_data(self, info: DataView) -> None:
        """The run's data set is known (points to draw, class names, image shape)."""

    def add_frame(self, frame: ViewFrame) -> None:
        """Store one frame of this panel's stream; drawing waits for ``refresh``."""

    def set_paused(self, paused: bool) -> None:
        """The run is paused (True) or running again; panels with step buttons enable them."""

    def end_run(self, outcome: str) -> None:
        """The run is over."""

    def show_snapshot(self, frame: ViewFrame, live: bool = False, other: ViewFrame | None = None,
                      titles: tuple[str, str] = ("", ""), other_data: DataView | None = None) -> None:
        """Replay: draw ``frame``, kept by the timeline, instead of the newest one.

        ``live`` says the timeline is leaving replay and ``frame`` is the newest frame of the latest run.
        ``other`` is the compared run's frame of the same moment (A/B), with ``titles`` naming the two runs
        and ``other_data`` its data set (the same one, perhaps split with another seed); a panel that can
        show both side by side does. The default suits panels that draw only their newest
        frame: the kept frame simply becomes the newest.
        """
        self.add_frame(frame)
        self.dirty = True

    def tab_title(self, info: DataView | None) -> str | None:
        """A title that depends on the data set ("Images" or "Confusion matrix"), or None for the default."""
        return None

    def refresh(self) -> None:
        self.dirty = False

    def export_target(self) -> pg.GraphicsItem | None:
        return None


@dataclass
class PanelSpec:
    """A registered panel: which streams it draws, its tab, and whether every run shows it."""

    name: str
    factory: Callable[[], ViewPanel]
    title: str
    tip: str = ""
    streams: tuple[str, ...] = ()
    always: bool = False  # shown for every run (curves, weights, test) rather than when a run offers it
    placement: str = "tab"  # "tab", or "banner" (a strip above the tabs, shown while it has something to say)
    extra: dict[str, Any] = field(default_factory=dict)


PANELS: dict[str, PanelSpec] = {}


def register_panel(name: str, factory: Callable[[], ViewPanel], *, title: str, tip: str = "",
                   streams: tuple[str, ...] | list[str] | None = None, always: bool = False,
                   placement: str = "tab") -> PanelSpec:
    """Register ``factory`` as the panel for the view ``name`` (and any further ``streams`` it draws).

    Registration order is tab order. Registering a name again replaces the earlier panel, so an extension
    can swap a built-in view for its own.
    """
    if placement not in ("tab", "banner"):
        raise ValueError(f"Unknown panel placement '{placement}' for the view '{name}'; use 'tab' or 'banner'.")
    spec = PanelSpec(name, factory, title, tip, tuple(streams) if streams else (name,), always, placement)
    PANELS[name] = spec
    return spec
