"""Data first: the preview window opened from the Teach menu and from anywhere else."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QTableWidget

from nnbuilder.app.teach.data_preview import DataPreview, show_data_preview
from nnbuilder.project import DataConfig, Project


def test_teach_menu_shows_the_first_25_pictures(window, examples_dir, qtbot) -> None:  # type: ignore[no-untyped-def]
    window.open_file(examples_dir / "fashion_mnist_mlp.nnb", ask_to_save=False)
    view = window.teach.open("data")
    qtbot.waitExposed(view)
    assert view.preview.kind == "images"
    texts = [w.text() for w in view.content.findChildren(QLabel) if w.text()]
    assert texts[:3] == ["Ankle boot", "T-shirt/top", "T-shirt/top"] and len(texts) == 25
    pictures = [w for w in view.content.findChildren(QLabel) if w.pixmap() is not None and not w.pixmap().isNull()]
    assert len(pictures) == 25
    window.open_file(examples_dir / "karate_club_gcn.nnb", ask_to_save=False)
    again = window.teach.open("data")
    assert again is view and view.preview.kind == "graph"  # re-opened on the new project


def test_preview_callable_from_elsewhere_and_bad_data_is_a_sentence(qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    view = show_data_preview(None, Project(data=DataConfig("spiral", {"samples": 100})))
    qtbot.addWidget(view)
    qtbot.waitExposed(view)
    assert view.preview.kind == "points"
    image = view.grab().toImage()
    assert image.width() > 200
    missing = DataPreview(Project(data=DataConfig("csv_table", {"path": str(tmp_path / "nope.csv")})))
    qtbot.addWidget(missing)
    assert missing.preview is None and "nope.csv" in missing.summary.text()
    series = DataPreview(Project(data=DataConfig("household_power", {"resolution": "minute"})))
    qtbot.addWidget(series)
    assert series.preview.kind == "series"
    assert not series.content.findChildren(QTableWidget)


def test_the_class_key_sits_beside_the_graph_not_over_it(qtbot) -> None:  # type: ignore[no-untyped-def]
    """Anchored inside the plot, the key of Cora's seven topics covered the nodes in its corner."""
    import pyqtgraph as pg
    from PySide6.QtWidgets import QApplication

    view = show_data_preview(None, Project(data=DataConfig("cora", {})))
    qtbot.addWidget(view)
    view.resize(700, 700)
    qtbot.waitExposed(view)
    QApplication.processEvents()
    assert view.preview.kind == "graph"
    assert isinstance(view.content, pg.PlotWidget)
    plot = view.content.getPlotItem()
    names = [label.text for _sample, label in plot.legend.items]
    assert names[:2] == ["Case_Based", "Genetic_Algorithms"] and len(names) == 7
    key = plot.legend.sceneBoundingRect()
    assert key.width() > 40 and not key.intersects(plot.getViewBox().sceneBoundingRect())
