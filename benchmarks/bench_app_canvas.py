"""Canvas frame rate while dragging one node of a 300-node graph, as a ratio to the 30 fps target.

A 300-node network (chains joined by Add/Concatenate merges, so edges cross the canvas) is opened in
the main window. A node is pressed with the mouse and moved with real mouse-move events on the
view's viewport; after every move the viewport is repainted synchronously (``repaint()``), so one
iteration is one complete frame: event handling, edge updates and painting every visible item.
Two views are measured: the whole graph fitted in the window (every node visible, the worst
case) and 100 % zoom. The baseline is repainting without moving, to show what moving adds.

    python benchmarks/bench_app_canvas.py [--frames 120]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

TARGET_FPS = 30.0


def make_project(n_nodes: int = 300):  # type: ignore[no-untyped-def]
    from nnbuilder.project import Edge, Graph, Node, Project

    g = Graph()
    g.add_node(Node("input", "Input", {"shape": [64]}, (0.0, 0.0)))
    prev = "input"
    i = 1
    col = 1
    while i < n_nodes - 1:
        a, b, m = f"a{i}", f"b{i}", f"m{i}"
        g.add_node(Node(a, "Dense", {"units": 64, "activation": "relu"}, (col * 240.0, -110.0)))
        g.add_node(Node(b, "Dense", {"units": 64, "activation": "tanh"}, (col * 240.0, 110.0)))
        g.add_node(Node(m, "Add", {}, ((col + 1) * 240.0, 0.0)))
        for e in (Edge(prev, a), Edge(prev, b), Edge(a, m), Edge(b, m)):
            g.add_edge(e)
        prev, i, col = m, i + 3, col + 2
    g.add_node(Node("out", "Dense", {"units": 10, "activation": "softmax"}, (col * 240.0, 0.0)))
    g.add_edge(Edge(prev, "out"))
    # Fold the long chain into rows so the fitted view is not a thin line.
    per_row = 20
    for node in g.nodes:
        x, y = node.position
        row = int(x // (per_row * 240.0))
        node.position = (x - row * per_row * 240.0, y + row * 420.0)
    return Project(name="300 nodes", graphs=[g])


def measure(window, frames: int, move: bool) -> float:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QPoint, QPointF, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    view = window.view
    vp = view.viewport()
    nodes = window.document.current_graph.nodes
    target = nodes[len(nodes) // 2].id
    item = window.scene.nodes[target]
    view.centerOn(item.sceneBoundingRect().center())
    QApplication.processEvents()
    start = view.mapFromScene(item.scenePos() + QPointF(60, 12))
    if move:
        QTest.mousePress(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    t0 = time.perf_counter()
    for k in range(frames):
        if move:
            dx = int(60 * ((k % 40) / 20 - 1) if (k // 40) % 2 else 60 * (1 - (k % 40) / 20))
            QTest.mouseMove(vp, start + QPoint(dx, (k % 17) - 8))
        vp.repaint()
    elapsed = time.perf_counter() - t0
    if move:
        QTest.mouseRelease(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    return frames / elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=120)
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    tmp = tempfile.mkdtemp()
    os.environ["NNBUILDER_SETTINGS_DIR"] = tmp
    os.environ["NNBUILDER_USER_DATA"] = tmp
    from PySide6.QtWidgets import QApplication

    from nnbuilder.app.main_window import MainWindow
    from nnbuilder.app.theme import apply_theme

    app = QApplication(sys.argv[:1])
    apply_theme(app, "light")
    window = MainWindow()
    window.resize(1600, 1000)
    window.show()
    project = make_project()
    window.document.replace_project(project)
    n = len(window.document.current_graph.nodes)
    edits = []
    for units in range(65, 75):
        t0 = time.perf_counter()
        window.document.set_param(window.document.current_graph.nodes[1].id, "units", units)
        app.processEvents()
        edits.append((time.perf_counter() - t0) * 1000)
    edit_ms = sorted(edits)[len(edits) // 2]
    ok = True
    print(f"{n} nodes, {len(window.document.current_graph.edges)} edges; one parameter edit (inference, node faces, "
          f"problems, summary; median of 10): {edit_ms:.1f} ms")
    for label, setup in (("whole graph fitted", window.view.fit_to_view), ("100 % zoom", lambda: window.view.set_zoom(1.0))):
        setup()
        app.processEvents()
        visible = sum(1 for it in window.scene.nodes.values()
                      if window.view.mapToScene(window.view.viewport().rect()).boundingRect().intersects(
                          it.sceneBoundingRect()))
        still = measure(window, args.frames, move=False)
        moving = measure(window, args.frames, move=True)
        ok &= moving >= TARGET_FPS
        print(f"{label} (zoom {window.view.zoom * 100:.0f} %, {visible} nodes visible): moving a node "
              f"{moving:.0f} fps = {moving / TARGET_FPS:.1f}× the {TARGET_FPS:.0f} fps target; "
              f"repaint without moving {still:.0f} fps (moving costs {still / moving:.2f}× per frame)")
    window.document.undo_stack.setClean()
    window.close()
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
