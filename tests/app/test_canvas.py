"""Canvas gestures with real mouse and keyboard events on the view's viewport."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, QRect, Qt
from PySide6.QtGui import QFontMetricsF, QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from nnbuilder.app.canvas.items import GRID
from nnbuilder.project import Edge

from .helpers import chain_layers, click_node, connect_ports, mouse_drag, node_pos, port_pos


def test_refused_connections_say_why_and_change_nothing(window):
    a, b, c = chain_layers(window, "Input", "Dense", "Dense")
    edges = list(window.document.current_graph.edges)
    connect_ports(window, c, b)
    assert "cycle" in window.scene.last_refusal
    assert "cycle" in window.last_message
    d = window.document.add_node("Dense", (240, 200))
    connect_ports(window, d, c)
    assert "already connected" in window.scene.last_refusal
    g = window.document.add_node("GraphInput", (0, 200))
    connect_ports(window, g, d)
    assert "sends a graph" in window.scene.last_refusal
    assert window.document.current_graph.edges == edges


def test_dragging_from_an_input_port_to_an_output_port_also_connects(window):
    a, b = chain_layers(window, "Input", "Dense")
    c = window.document.add_node("Dense", (480, 150))
    mouse_drag(window, port_pos(window, c, "in", False), port_pos(window, b, "out", True))
    assert Edge(b, c) in window.document.current_graph.edges


def test_move_by_drag_is_one_command_and_edges_follow(window):
    a, b = chain_layers(window, "Input", "Dense")
    doc = window.document
    count = doc.undo_stack.count()
    start = node_pos(window, b)
    mouse_drag(window, start, start + QPoint(60, 90), steps=10)
    assert doc.undo_stack.count() == count + 1
    x, y = doc.current_graph.node(b).position
    zoom = window.view.zoom
    assert abs(x - (240 + 60 / zoom)) < 2 and abs(y - 90 / zoom) < 2
    edge_item = window.scene.edges[Edge(a, b).key]
    end = edge_item.path().pointAtPercent(1.0)
    assert (end - window.scene.nodes[b].inputs[0].scenePos()).manhattanLength() < 0.5
    doc.undo()
    assert doc.current_graph.node(b).position == (240.0, 0.0)
    assert window.scene.nodes[b].pos() == QPointF(240, 0)


def test_snap_to_grid(window):
    (a,) = chain_layers(window, "Dense")
    window.snap_action.trigger()
    start = node_pos(window, a)
    mouse_drag(window, start, start + QPoint(37, 23), steps=5)
    x, y = window.document.current_graph.node(a).position
    assert x % GRID == 0 and y % GRID == 0


def test_rubber_band_selects_and_delete_key_removes_with_edges(window):
    a, b, c = chain_layers(window, "Input", "Dense", "Dense")
    doc = window.document
    rect_a = window.view.mapFromScene(window.scene.nodes[b].sceneBoundingRect().topLeft() - QPointF(20, 20))
    rect_b = window.view.mapFromScene(window.scene.nodes[c].sceneBoundingRect().bottomRight() + QPointF(20, 20))
    mouse_drag(window, rect_a, rect_b, steps=8)
    assert sorted(window.scene.selected_node_ids()) == sorted([b, c])
    before = [e.key for e in doc.current_graph.edges]
    window.view.setFocus()
    QTest.keyClick(window.view, Qt.Key.Key_Delete)
    assert [n.id for n in doc.current_graph.nodes] == [a]
    assert doc.current_graph.edges == []
    QTest.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert [e.key for e in doc.current_graph.edges] == before
    assert set(window.scene.nodes) == {a, b, c} and len(window.scene.edges) == 2


def test_delete_selected_edge(window):
    a, b = chain_layers(window, "Input", "Dense")
    item = window.scene.edges[Edge(a, b).key]
    item.setSelected(True)
    window.delete_selection()
    assert window.document.current_graph.edges == []
    assert window.scene.edges == {}


def test_copy_paste_duplicate_shortcuts(window):
    a, b, c = chain_layers(window, "Input", "Dense", "Dense")
    doc = window.document
    window.scene.select_nodes([b, c])
    window.view.setFocus()
    QTest.keyClick(window.view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(window.view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    g = doc.current_graph
    assert len(g.nodes) == 5
    pasted = window.scene.selected_node_ids()
    assert len(pasted) == 2 and Edge(pasted[0], pasted[1]) in g.edges
    QTest.keyClick(window.view, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert len(g.nodes) == 7
    dup = window.scene.selected_node_ids()
    assert g.node(dup[0]).position == (g.node(pasted[0]).position[0] + 40, g.node(pasted[0]).position[1] + 40)
    assert "nnbuilder-project" in QApplication.clipboard().text()


def test_double_click_edge_inserts_a_layer(window, qtbot):
    a, b = chain_layers(window, "Input", "Dense")
    item = window.scene.edges[Edge(a, b).key]
    mid = window.view.mapFromScene(item.path().pointAtPercent(0.5))
    QTest.mouseDClick(window.view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, mid)
    picker = window._picker
    assert picker is not None and picker.isVisible()
    assert "Input" not in picker.types()  # sources cannot sit on an edge
    QTest.keyClicks(picker.search_box, "dropout")
    QTest.keyClick(picker.search_box, Qt.Key.Key_Return)
    g = window.document.current_graph
    new = [n.id for n in g.nodes if n.type == "Dropout"]
    assert len(new) == 1
    assert [(e.source, e.target) for e in g.edges] == [(a, new[0]), (new[0], b)]
    window.document.undo()
    assert [(e.source, e.target) for e in g.edges] == [(a, b)]


def test_drag_from_output_into_empty_space_adds_a_connected_layer(window):
    (a,) = chain_layers(window, "Input")
    start = port_pos(window, a, "out", True)
    mouse_drag(window, start, start + QPoint(250, 120))
    picker = window._picker
    assert picker is not None
    picker.choose("Dense")
    g = window.document.current_graph
    dense = [n.id for n in g.nodes if n.type == "Dense"]
    assert dense and Edge(a, dense[0]) in g.edges
    window.document.undo()
    assert [n.id for n in g.nodes] == [a]


def test_wheel_zooms_around_the_cursor_and_f_fits(window):
    a, b, c = chain_layers(window, "Input", "Dense", "Dense")
    view = window.view
    view.set_zoom(1.0)
    anchor = QPoint(200, 150)
    before = view.mapToScene(anchor)
    ev = QWheelEvent(QPointF(anchor), QPointF(view.viewport().mapToGlobal(anchor)), QPoint(0, 0), QPoint(0, 240),
                     Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(view.viewport(), ev)
    assert view.zoom > 1.3
    after = view.mapToScene(anchor)
    assert (after - before).manhattanLength() < 2
    view.centerOn(5000, 5000)
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_F)
    visible = view.mapToScene(view.viewport().rect()).boundingRect()
    for nid in (a, b, c):
        assert visible.contains(window.scene.nodes[nid].sceneBoundingRect())


def test_middle_button_pans(window):
    chain_layers(window, "Input", "Dense")
    view = window.view
    before = view.mapToScene(view.viewport().rect().center())
    mouse_drag(window, QPoint(300, 300), QPoint(200, 250), button=Qt.MouseButton.MiddleButton)
    after = view.mapToScene(view.viewport().rect().center())
    assert after.x() > before.x() + 50 and after.y() > before.y() + 20


def test_auto_layout_is_one_step_left_to_right(window):
    doc = window.document
    ids = [doc.add_node(t, (0, i * 37.0)) for i, t in enumerate(["Input", "Dense", "Dense", "Add"])]
    doc.connect(ids[0], "out", ids[1], "in")
    doc.connect(ids[0], "out", ids[2], "in")
    doc.connect(ids[1], "out", ids[3], "in")
    doc.connect(ids[2], "out", ids[3], "in")
    count = doc.undo_stack.count()
    window.layout_action.trigger()
    assert doc.undo_stack.count() == count + 1
    g = doc.current_graph
    for e in g.edges:
        assert g.node(e.source).position[0] < g.node(e.target).position[0]
    doc.undo()
    assert [g.node(i).position for i in ids] == [(0.0, i * 37.0) for i in range(4)]


def test_clicking_selects_and_the_inspector_follows(window):
    a, b = chain_layers(window, "Input", "Dense")
    click_node(window, b)
    assert window.scene.selected_node_ids() == [b]
    assert window.inspector.node_id == b
    QTest.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     QPoint(5, 5))
    assert window.inspector.node_id is None


def test_node_faces_show_shapes_params_and_problem_states(window):
    a, b = chain_layers(window, "Input", "Dense")
    doc = window.document
    doc.set_param(a, "shape", [1, 28, 28])
    face = window.scene.nodes[b].face
    assert face.severity == "error" and face.shape == "?"
    assert "Flatten" in window.scene.nodes[b].toolTip()
    doc.set_training_setting("loss", "mse")  # cross-entropy would also reject a 28×10 output
    doc.set_param(a, "shape", [28, 28])
    face = window.scene.nodes[b].face
    assert face.severity == "warning" and face.shape == "→ 28×10"
    doc.set_param(a, "shape", [784])
    face = window.scene.nodes[b].face
    assert face.severity is None and face.shape == "→ 10" and face.params == "7,850 params"
    assert face.details == "units 10"


def test_space_and_drag_pans(window):
    a, b = chain_layers(window, "Input", "Dense")
    view = window.view
    view.setFocus()
    before = view.mapToScene(view.viewport().rect().center())
    positions = {n.id: n.position for n in window.document.current_graph.nodes}
    QTest.keyPress(view, Qt.Key.Key_Space)
    mouse_drag(window, QPoint(400, 400), QPoint(300, 350))
    QTest.keyRelease(view, Qt.Key.Key_Space)
    after = view.mapToScene(view.viewport().rect().center())
    assert after.x() > before.x() + 50 and after.y() > before.y() + 20
    assert {n.id: n.position for n in window.document.current_graph.nodes} == positions
    assert view.dragMode() == view.DragMode.RubberBandDrag


def _ink_columns(image, rect, background) -> list[bool]:
    """Per pixel column of ``rect`` in ``image``: whether any pixel in it is not the node's fill (text ink)."""
    columns = []
    for x in range(rect.left(), rect.right() + 1):
        ink = False
        for y in range(rect.top(), rect.bottom() + 1):
            c = image.pixelColor(x, y)
            if abs(c.red() - background.red()) + abs(c.green() - background.green()) + \
                    abs(c.blue() - background.blue()) > 60:
                ink = True
                break
        columns.append(ink)
    return columns


def test_a_long_shape_and_a_large_parameter_count_never_overlap(window, examples_dir):
    """fashion_mnist_dcgan's g_up1 drew "→ 32×14×14" over "32,800 params" in one footer row at 52 % and
    102 % zoom: the count is shortened (the full values stay in the tooltip) and the two texts keep a gap."""
    from PySide6.QtCore import QRectF

    from nnbuilder.app.canvas.items import FOOTER_GAP, NODE_PAD, NODE_WIDTH, NodeItem, footer_layout

    assert window.open_file(examples_dir / "fashion_mnist_dcgan.nnb")
    item = window.scene.nodes["g_up1"]
    assert (item.face.shape, item.face.params) == ("→ 32×14×14", "32,800 params")
    footer = item.footer()
    assert footer.shape and footer.params  # both are shown, neither is cut to nothing
    assert footer.shape == "→ 32×14×14" and footer.params.startswith("32.8k")
    assert footer.shape_rect.right() + FOOTER_GAP <= footer.params_rect.left()
    fm = QFontMetricsF(NodeItem.small_font())
    assert fm.horizontalAdvance(footer.shape) <= footer.shape_rect.width()
    assert fm.horizontalAdvance(footer.params) <= footer.params_rect.width()
    assert "32,800 params" in item.toolTip() and "32×14×14" in item.toolTip()

    # what the student sees: at both zooms, an empty stretch between the shape's ink and the count's ink
    background = window.scene.colors.node_fill
    for zoom in (0.52, 1.02):
        window.view.set_zoom(zoom)
        window.view.centerOn(item)
        QApplication.processEvents()
        image = window.view.viewport().grab().toImage()
        ratio = image.devicePixelRatio()
        row = window.view.mapFromScene(item.mapToScene(QRectF(NODE_PAD - 2, footer.shape_rect.top() + 3,
                                                              NODE_WIDTH - 2 * NODE_PAD + 4,
                                                              footer.shape_rect.height() - 6))).boundingRect()
        row = QRect(round(row.left() * ratio), round(row.top() * ratio), round(row.width() * ratio),
                    round(row.height() * ratio))
        ink = _ink_columns(image, row, background)
        first, last = ink.index(True), len(ink) - 1 - ink[::-1].index(True)
        runs, run = [], 0
        for has_ink in ink[first:last + 1]:
            run = 0 if has_ink else run + 1
            runs.append(run)
        # word spaces are about 3 px at 100 %; the gap between the two texts is FOOTER_GAP px or more
        assert max(runs) >= (FOOTER_GAP - 2) * zoom * ratio, f"the texts touch at {zoom:.0%} zoom"

    # other long shapes: every footer keeps its two texts apart and non-empty
    font = NodeItem.small_font()
    for shape, params in (("→ 64×7×7", "73,792 params"), ("→ 1433", "91,712 params"),
                          ("→ 24×64", "23,040 params"), ("→ 3×224×224", "123,456,789 params"),
                          ("→ 1024×1024×1024", "999,950 params")):
        f = footer_layout(shape, params, font)
        assert f.shape and f.params, (shape, params)
        assert f.shape_rect.right() + FOOTER_GAP <= f.params_rect.left(), (shape, params)
        assert fm.horizontalAdvance(f.shape) <= f.shape_rect.width(), (shape, params)


def test_a_long_type_leaves_the_layer_s_name_readable_in_the_header(window) -> None:  # type: ignore[no-untyped-def]
    """A MaxPooling2D named maxpool2d_1 with an error mark showed its name as "m…1": two such layers could not be
    told apart. The name keeps up to NAME_SHARE of the header; the type is cut first."""
    from PySide6.QtGui import QFont

    from nnbuilder.app.canvas.items import HEADER_GAP, NAME_SHARE, NODE_PAD, NODE_WIDTH, NodeItem, header_texts

    title_font = QFont(window.font())
    title_font.setBold(True)
    title_font.setPointSizeF(max(title_font.pointSizeF(), 9.0))
    small = NodeItem.small_font()
    room = NODE_WIDTH - 2 * NODE_PAD - 14  # the error mark takes 14 px
    tfm, nfm = QFontMetricsF(title_font), QFontMetricsF(small)
    for title, name in (("MaxPooling2D", "maxpool2d_1"), ("Conv2DTranspose", "conv2dtranspose_12"),
                        ("BatchNormalization", "batch_normalization_3")):
        shown_title, shown_name = header_texts(title, name, title_font, small, room)
        assert tfm.horizontalAdvance(shown_title) + HEADER_GAP + nfm.horizontalAdvance(shown_name) <= room + 1
        assert nfm.horizontalAdvance(shown_name) >= min(nfm.horizontalAdvance(name), NAME_SHARE * room) - 12
        assert shown_title[:3] == title[:3]  # the type still shows how it begins (its colour and the Inspector say it)
    assert header_texts("Dense", "hidden", title_font, small, room) == ("Dense", "hidden")  # room for both: whole
    assert header_texts("MaxPooling2D", "maxpool2d_1", title_font, small, room)[1] == "maxpool2d_1"
