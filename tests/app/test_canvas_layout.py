"""What the canvas shows a student: a first step on an empty canvas, wires that never hide behind nodes,
dropped nodes far enough apart for their wire to show."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, QRectF

from nnbuilder.app.canvas.items import NODE_WIDTH
from nnbuilder.app.canvas.view import DROP_GAP
from nnbuilder.app.main_window import MainWindow

from .helpers import drop_from_palette


def _hidden_wires(window: MainWindow) -> list[str]:
    """Wires with a stretch under a node they do not belong to."""
    bad = []
    for edge in window.scene.edges.values():
        own = (edge.source_port.node, edge.target_port.node)
        rects = [n.sceneBoundingRect().adjusted(4, 4, -4, -4) for n in window.scene.nodes.values() if n not in own]
        path = edge.path()
        if any(r.contains(path.pointAtPercent(i / 60)) for r in rects for i in range(1, 60)):
            bad.append(f"{edge.edge.source}→{edge.edge.target}")
    return bad


def test_wires_go_around_nodes_in_the_skip_connection_and_gcn_examples(window: MainWindow, examples_dir: Any,
                                                                       qtbot: Any) -> None:
    for name in ("skip_connection_moons.nnb", "karate_club_gcn.nnb", "cora_gcn.nnb"):
        assert window.open_example(examples_dir / name)
        assert _hidden_wires(window) == [], name
    # moving a node into a wire's way re-routes that wire once the move is done
    assert window.open_example(examples_dir / "skip_connection_moons.nnb")
    doc = window.document
    g = doc.current_graph
    edge = next(iter(window.scene.edges.values()))
    a, b = edge.source_port.scenePos(), edge.target_port.scenePos()
    blocker = next(n.id for n in g.nodes if n.id not in (edge.edge.source, edge.edge.target))
    if b.x() - a.x() > NODE_WIDTH + 60:
        doc.move_nodes({blocker: ((a.x() + b.x()) / 2 - NODE_WIDTH / 2, (a.y() + b.y()) / 2 - 39)})
        qtbot.waitUntil(lambda: _hidden_wires(window) == [])


def test_nodes_dropped_close_together_keep_room_for_their_wire(window: MainWindow) -> None:
    first = drop_from_palette(window, "Input", QPoint(300, 300))
    vp_x = window.view.mapFromScene(window.scene.nodes[first].sceneBoundingRect().topRight()).x()
    second = drop_from_palette(window, "Dense", QPoint(int(vp_x + 14 + NODE_WIDTH / 2 * window.view.zoom), 300))
    r1, r2 = (window.scene.nodes[n].sceneBoundingRect() for n in (first, second))
    assert r2.left() - r1.right() >= DROP_GAP - 6  # (bounding rects include the 3 px selection outline)


def test_an_empty_canvas_says_what_to_do(window: MainWindow) -> None:
    hint = window.view.empty_hint
    assert hint.isVisible() and "Input" in hint.text() and "Examples" in hint.text()
    vp = QRectF(window.view.viewport().rect())
    assert vp.contains(QRectF(hint.geometry()))
    window.document.add_node("Input")
    assert not hint.isVisible()
    window.document.undo()
    assert hint.isVisible()


def test_long_examples_open_whole_and_readable(window: MainWindow, examples_dir: Any, qtbot: Any) -> None:
    for name in ("fashion_mnist_cnn.nnb", "household_power_lstm.nnb"):
        assert window.open_example(examples_dir / name)
        window.view.fit_to_view()
        vp = QRectF(window.view.viewport().rect())
        shown = window.view.mapFromScene(window.scene.nodes_rect()).boundingRect()
        assert vp.contains(QRectF(shown)), f"{name} opens partly off the canvas"
        assert window.view.zoom >= 0.7, f"{name} opens at {window.view.zoom:.0%}"
        assert _hidden_wires(window) == [], name


def test_auto_layout_wraps_a_long_chain_into_bands(window: MainWindow, examples_dir: Any) -> None:
    from nnbuilder.app.layout import layered_layout
    from nnbuilder.project import load_project

    g = load_project(examples_dir / "fashion_mnist_cnn.nnb").graph()
    flat = layered_layout(g)
    wrapped = layered_layout(g, max_columns=4)
    assert len({y for _, y in flat.values()}) == 1 and len({x for x, _ in flat.values()}) == len(g.nodes)
    assert len({x for x, _ in wrapped.values()}) == 4 and len({y for _, y in wrapped.values()}) == 2


def test_zoom_buttons_and_labelled_ports(window: MainWindow, examples_dir: Any) -> None:
    bar = window.main_toolbar
    zoom_in = bar.widgetForAction(window.zoom_in_action)
    assert zoom_in is not None and zoom_in.text() == "Zoom +"
    before = window.view.zoom
    zoom_in.click()
    assert window.view.zoom > before
    bar.widgetForAction(window.zoom_out_action).click()
    assert abs(window.view.zoom - before) < 1e-6
    assert window.open_example(examples_dir / "karate_club_gcn.nnb")
    gcn = next(i for i in window.scene.nodes.values() if i.spec.type == "GCNConv")
    ports = {p.port.name: p for p in gcn.childItems() if hasattr(p, "show_label") and not p.is_output}
    assert set(ports) == {"in", "graph"} and all(p.show_label for p in ports.values())
    assert ports["graph"].boundingRect().contains(ports["graph"].label_rect())


def test_a_port_name_stays_readable_where_a_wire_crosses_it(window: MainWindow, examples_dir: Any) -> None:
    """In the Cora example the wire from Input into gcn1's "in" ran straight through the name "graph" below."""
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QImage, QPainter

    assert window.open_example(examples_dir / "cora_gcn.nnb")
    gcn = window.scene.nodes["gcn1"]
    port = next(p for p in gcn.childItems() if getattr(p, "port", None) is not None and p.port.name == "graph"
                and not p.is_output)
    area = port.mapRectToScene(port.label_rect())
    crossing = [e for e in window.scene.items(area) if type(e).__name__ == "EdgeItem"]
    assert crossing, "the layout changed: no wire crosses the label any more, so this test shows nothing"
    scale = 4

    def render() -> QImage:
        image = QImage(int(area.width() * scale), int(area.height() * scale), QImage.Format.Format_RGB32)
        image.fill(window.scene.colors.background)
        painter = QPainter(image)
        window.scene.render(painter, QRectF(image.rect()), area)
        painter.end()
        return image

    with_wires = render()
    for edge in crossing:
        edge.setVisible(False)
    without = render()
    plate = port.mapRectToScene(port.label_plate()).translated(-area.topLeft())
    inside = [(x, y) for x in range(with_wires.width()) for y in range(with_wires.height())
              if plate.adjusted(1, 1, -1, -1).contains(x / scale, y / scale)]

    def differs(x: int, y: int) -> bool:
        a, b = with_wires.pixelColor(x, y), without.pixelColor(x, y)
        return max(abs(a.red() - b.red()), abs(a.green() - b.green()), abs(a.blue() - b.blue())) > 8

    struck = sum(differs(x, y) for x, y in inside)
    assert inside and struck == 0, f"{struck} pixels of wire across the name"
