"""The training dashboard as a student meets it in the real window: it belongs to the open project, its panels
say what they show, and it never pushes the window off the screen."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtWidgets import QApplication

from nnbuilder.app.dashboard import Dashboard
from nnbuilder.app.dashboard.images import ImagesPanel
from nnbuilder.app.dashboard.predictions import PredictionsPanel
from nnbuilder.app.workers.messages import GalleryUpdate, SeriesUpdate
from nnbuilder.project import load_project

from .helpers import Harness, shown_harness

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "resources" / "examples"


def open_window(qtbot: Any, example: str, epochs: int | None = None) -> Harness:
    project = load_project(EXAMPLES / example)
    if epochs is not None:
        project.training.epochs = epochs
    harness = Harness(project)
    qtbot.addWidget(harness.window)
    harness.window.resize(1360, 860)
    harness.window.show()
    qtbot.waitExposed(harness.window)
    return harness


def train(qtbot: Any, harness: Harness, timeout_ms: int = 60_000) -> Any:
    c = harness.controller
    with qtbot.waitSignal(c.run_finished, timeout=timeout_ms) as finished:
        assert c.train()
    qtbot.waitUntil(lambda: not c.is_busy, timeout=timeout_ms)
    return finished.args[0]


def test_a_long_status_line_never_widens_the_window(qtbot: Any) -> None:
    h = open_window(qtbot, "spiral_playground.nnb")
    w = h.window
    qtbot.waitUntil(lambda: w.width() == 1360)
    dashboard = h.controller.dashboard
    long = "run 7: lr 0.01 → 0.001, batch 32 → 8, +hidden3.units 64 +4 more: failed: " + "a long reason " * 40
    dashboard._set_status(long)
    dashboard.status_label.setText(long)
    QApplication.processEvents()
    assert w.minimumSizeHint().width() < 1360 and w.minimumWidth() < 1360
    QApplication.processEvents()
    assert w.width() == 1360, "the status sentence widened the window"
    label = dashboard.status_label
    assert label.full_text() == long and label.toolTip() == long  # nothing is lost: the tooltip has it all
    assert label.shown_text().endswith("…") and len(label.shown_text()) < len(long)


def test_opening_another_example_leaves_nothing_of_the_previous_run(qtbot: Any) -> None:
    h = open_window(qtbot, "spiral_playground.nnb", epochs=3)
    train(qtbot, h)
    d = h.controller.dashboard
    d.tabs.setCurrentIndex(Dashboard.TAB_WEIGHTS)
    d.refresh_now(all_panels=True)
    assert d.runs and "accuracy" in d.curves.plots and d.weights.layer_combo.count() > 0

    h.window.open_example(EXAMPLES / "household_power_lstm.nnb")
    assert d.runs == [] and d.current is None
    assert list(d.curves.plots) == ["loss"], "an accuracy plot stayed for a regression task"
    assert d.curves._x_end == 1.0  # the next run's axis is its own, not the previous 100 epochs
    assert d.weights.layer_combo.count() == 0  # no layer of the spiral's network is listed
    assert d.status_label.full_text().startswith("No training yet")
    assert not d.tabs.isTabVisible(Dashboard.TAB_BOUNDARY)
    assert d.evaluate.evaluate_label.text() == "Train a model first."
    assert not d.evaluate.predict_button.isEnabled()
    assert h.controller.progress.format() == "Not trained" and h.controller.runs_started == 0
    # the next run is numbered from 1 again
    h.window.open_example(EXAMPLES / "spiral_playground.nnb")
    h.controller.epochs_spin.setValue(1)
    train(qtbot, h)
    assert [r.label for r in d.runs] == ["run 1"]



def test_opening_another_example_after_a_gan_run_leaves_nothing_of_it(qtbot: Any) -> None:
    """The hints banner, the GAN Lab's epoch and step counts, the samples and the Weights tab's titles
    ("Weight distribution: g_project (epoch 1)") of a GAN run stayed on screen over the next project."""
    from nnbuilder.app.workers.messages import STREAM_HINTS, ViewFrame

    h = open_window(qtbot, "gan_ring_2d.nnb", epochs=2)
    train(qtbot, h)
    d = h.controller.dashboard
    d.add_frame(ViewFrame(STREAM_HINTS, 2, 0, 2.0, ["The discriminator has won: its loss is near 0."]))
    d.refresh_now(all_panels=True)
    lab, samples, banner = d.panels["gan_lab"], d.panels["gan_samples"], d.panels["hints"]
    assert banner.isVisible() and "Epoch 2" in lab.side.text and samples.received > 0
    assert d.weights.hist_plot.titleLabel.text.startswith("Weight distribution: ")

    h.window.open_example(EXAMPLES / "mnist_gan.nnb")
    d.refresh_now(all_panels=True)
    assert not banner.isVisible() and banner.texts() == []
    assert "Epoch" not in lab.side.text and len(lab.fake_points.data) == 0
    assert samples.history == [] and samples.position_label.text() == "No samples yet."
    assert d.weights.hist_plot.titleLabel.text == "Weight distribution"
    assert d.weights.matrix_plot.titleLabel.text == "Weight matrix"

def test_the_test_tab_and_clear_runs_after_training(qtbot: Any) -> None:
    h = open_window(qtbot, "fashion_mnist_mlp.nnb", epochs=1)
    train(qtbot, h, timeout_ms=120_000)
    d = h.controller.dashboard
    text = d.evaluate.evaluate_label.text()
    assert "Train a model first" not in text and "test samples" in text, text
    assert d.evaluate.evaluate_button.isEnabled()

    d.clear_button.click()
    d.refresh_now(all_panels=True)
    assert d.runs == [] and list(d.curves.plots) == ["loss"]
    assert d.status_label.full_text().startswith("Runs cleared. The model keeps its trained weights")
    assert d.images.confusion_image.image is None and d.weights.layer_combo.count() == 0
    assert d.evaluate.evaluate_button.isEnabled()  # the trained model itself stays


def test_weights_tab_shows_the_state_the_run_ended_in(qtbot: Any) -> None:
    h = open_window(qtbot, "karate_club_gcn.nnb")  # 100 full-graph epochs in well under a second
    result = train(qtbot, h)
    d = h.controller.dashboard
    d.tabs.setCurrentIndex(Dashboard.TAB_WEIGHTS)
    d.refresh_now()
    last = len(result.history)
    assert last == 100
    assert f"(epoch {last})" in d.weights.hist_plot.titleLabel.text


def test_predict_a_node_of_the_karate_club_from_the_test_tab(qtbot: Any) -> None:
    h = open_window(qtbot, "karate_club_gcn.nnb", epochs=20)
    train(qtbot, h)
    panel = h.controller.dashboard.evaluate
    assert panel.predict_button.isEnabled()
    panel.split_combo.setCurrentText("validation")
    panel.index_spin.setValue(2)
    panel.predict_button.click()
    qtbot.waitUntil(lambda: not h.controller.is_busy, timeout=30_000)
    text = panel.predict_label.text()
    assert "validation #2" in text and "%" in text and "predict_nodes" not in text, text
    bars = panel.bars.opts["height"]
    assert len(bars) == 2 and abs(float(np.sum(bars)) - 1.0) < 1e-4
    assert "&#x27;" not in panel.evaluate_label.text()


def test_a_subsampled_confusion_matrix_says_so(qtbot: Any) -> None:
    panel = ImagesPanel()
    qtbot.addWidget(panel)
    panel.set_classes([str(i) for i in range(3)])
    panel.validation_samples = 18_000
    confusion = np.array([[3000, 200, 100], [100, 3000, 300], [200, 100, 3000]])
    panel.set_gallery(GalleryUpdate(epoch=5, images=None, predicted=np.zeros(0, np.int64), true=np.zeros(0, np.int64),
                                    confidence=np.zeros(0, np.float32), confusion=confusion,
                                    confusion_samples=int(confusion.sum())))
    panel.refresh()
    title = panel.confusion_plot.titleLabel.text
    assert "10,000 of 18,000 validation samples" in title and "subsample" in title


def test_the_forecast_title_says_its_units_and_its_subsample(qtbot: Any) -> None:
    panel = PredictionsPanel()
    qtbot.addWidget(panel)
    panel.validation_samples = 3000
    truth = np.linspace(0, 2, 1000, dtype=np.float32)
    panel.set_series(SeriesUpdate(3, np.arange(1000, dtype=np.float32), truth, truth + 0.5, scatter=False,
                                  x_label="time step (row)", y_label="Global_active_power (kW)", unscaled=True))
    panel.refresh()
    title = panel.plot.titleLabel.text
    assert "1,000 of 3,000 validation samples" in title
    assert "MAE 0.5 in the units of Global_active_power (kW)" in title and "standardised" in title


def test_quitting_after_training_offers_to_keep_the_weights(qtbot: Any, tmp_path: Path) -> None:
    project = load_project(EXAMPLES / "perceptron_xor.nnb")
    project.training.epochs = 2
    h = shown_harness(qtbot, project, tmp_path / "xor.nnb")
    train(qtbot, h)
    h.dialogs.answers["choice"] = [None, "save"]  # first Cancel: the window stays; then Save weights
    assert not h.window.close() and h.window.isVisible()
    assert h.window.close()
    asked = [c for c in h.dialogs.calls if c[0] == "choice"]
    assert len(asked) == 2 and asked[0][1] == "Keep the trained weights?"
    assert (tmp_path / "xor.weights.safetensors").is_file()


def test_the_filters_panel_shows_only_for_convolutions(qtbot: Any) -> None:
    h = open_window(qtbot, "perceptron_xor.nnb", epochs=2)
    train(qtbot, h)
    weights = h.controller.dashboard.weights
    h.controller.dashboard.tabs.setCurrentIndex(Dashboard.TAB_WEIGHTS)
    h.controller.dashboard.refresh_now()
    assert weights.snapshots >= 1 and not weights.filter_plot.isVisible()


def test_the_karate_club_graph_is_coloured_by_predicted_class_while_it_trains(qtbot: Any) -> None:
    h = open_window(qtbot, "karate_club_gcn.nnb", epochs=60)
    train(qtbot, h)
    d = h.controller.dashboard
    graph_tab = d.tab_index("graph")
    assert d.tabs.isTabVisible(graph_tab) and d.tabs.currentIndex() == graph_tab
    d.refresh_now()
    panel = d.graph
    assert panel.updates >= 1 and len(panel.points.data) == 34
    title = panel.plot.titleLabel.text
    assert re.match(r"Epoch 60: \d+ wrong \(red ring\) — nodes coloured by predicted class", title), title
    big = [s for s in panel.points.data["size"] if s > 11]
    assert len(big) == 2  # one labelled member per side


def test_the_graph_tab_names_the_class_of_each_colour(qtbot: Any) -> None:
    """Cora's nodes came in seven colours with nothing saying which colour is which topic."""
    h = open_window(qtbot, "cora_gcn.nnb", epochs=2)
    train(qtbot, h)
    d = h.controller.dashboard
    d.refresh_now()
    names = list(h.controller.trainer.dataset.class_names)
    assert len(names) == 7
    legend = d.graph.key.legend
    assert [label.text for _sample, label in legend.items] == names
    assert legend.isVisible() and legend.width() > 40  # a real column beside the graph, not a collapsed one
    # the count of wrong nodes is of the 400 drawn, not of Cora's 2,708 (that read as 98 % right)
    title = d.graph.plot.titleLabel.text
    assert " of the 400 shown (2,708 in the graph) wrong (red ring)" in title, title
    # each wrong node has a ring of its own, a gap outside it: drawn as the node's outline, the red of "wrong"
    # vanished into the nodes filled with Probabilistic_Methods' red
    wrong = int(re.match(r"Epoch 2: (\d+) of the 400", title).group(1))  # the count first: it survives eliding
    rings = d.graph.rings.data
    assert wrong > 0 and len(rings) == wrong
    assert all(size >= 11 + 8 for size in rings["size"])


def test_cora_spreads_across_a_short_wide_graph_tab(qtbot: Any) -> None:
    """In the default window's Training dock, 400 nodes crowded a square ~170 px high in a 1,100 px wide tab,
    covering each other and their red rings; the drawing now uses the tab's width."""
    from PySide6.QtCore import QPointF

    h = open_window(qtbot, "cora_gcn.nnb", epochs=2)
    train(qtbot, h)
    d = h.controller.dashboard
    d.refresh_now()
    panel = d.graph
    box = panel.plot.getViewBox()

    def drawn_width() -> float:
        xs = panel.points.data["x"]
        return box.mapViewToScene(QPointF(float(xs.max()), 0.0)).x() - box.mapViewToScene(
            QPointF(float(xs.min()), 0.0)).x()

    assert box.width() > 3 * box.height()  # the dock is short and wide here
    qtbot.waitUntil(lambda: drawn_width() > 0.5 * box.width(), timeout=2000)
    # widened, not reshuffled: every node keeps its neighbours
    layout = panel._layout.positions
    assert np.allclose(panel.positions(), layout * np.array([panel.stretch, 1.0]))


def test_a_graph_is_widened_only_where_the_box_is_wider_than_the_layout() -> None:
    from nnbuilder.app.dashboard.graph_view import MAX_STRETCH, stretch_for

    assert stretch_for(600, 600, 2.0, 2.0) == 1.0  # a square tab: as laid out
    assert stretch_for(300, 600, 2.0, 2.0) == 1.0  # a tall one: never squeezed
    assert stretch_for(800, 200, 2.0, 2.0) == 4.0
    assert stretch_for(1400, 150, 2.0, 2.0) == MAX_STRETCH  # a graph, not a band
    assert stretch_for(0, 150, 2.0, 2.0) == 1.0  # not shown yet


def test_a_big_graph_is_drawn_as_a_readable_piece() -> None:
    from nnbuilder.teach.graph_layout import sample_nodes, spring_layout, subgraph_edges

    rng = np.random.default_rng(0)
    edges = rng.integers(0, 2708, size=(2, 5000))
    nodes = sample_nodes(2708, edges)
    assert len(nodes) == 400 and len(set(nodes.tolist())) == 400
    sub = subgraph_edges(nodes, edges)
    assert sub.size and sub.max() < 400 and np.all(sub[0] < sub[1])
    pos = spring_layout(len(nodes), sub, iterations=10)
    assert pos.shape == (400, 2) and np.abs(pos).max() <= 1.0 + 1e-6


def test_the_piece_of_cora_drawn_shows_every_topic() -> None:
    """Grown from the best-connected paper alone, 303 of the 400 drawn papers were on genetic algorithms and
    none on probabilistic methods, so the Graph tab was nearly one colour and showed no border between topics."""
    from nnbuilder.teach.graph_layout import sample_nodes
    from nnbuilder.training import Trainer

    dataset = Trainer(load_project(EXAMPLES / "cora_gcn.nnb"), device="cpu").dataset
    y = np.asarray(dataset.y).reshape(-1)
    edges = np.asarray(dataset.graph.edges)
    nodes = sample_nodes(2708, edges, classes=y)
    assert len(nodes) == 400 and len(set(nodes.tolist())) == 400
    counts = np.bincount(y[nodes], minlength=7)
    assert counts.min() >= 20, counts  # every topic, each a real neighbourhood (5 % of the piece or more)
    assert counts.max() <= 160, counts  # no topic takes the picture over


def test_a_small_screen_keeps_a_usable_canvas_and_a_scrollable_training_panel(qtbot: Any) -> None:
    h = open_window(qtbot, "fashion_mnist_cnn.nnb")
    h.window.resize(1000, 700)
    qtbot.waitUntil(lambda: h.window.width() == 1000)
    QApplication.processEvents()
    assert h.window.view.height() >= 250, f"the canvas is {h.window.view.height()} px high"
    scroller = h.controller.scroller
    assert scroller.widget() is h.controller.dashboard and scroller.widgetResizable()
    h.controller.dock.raise_()
    QApplication.processEvents()
    if h.controller.dock.height() < h.controller.dashboard.minimumHeight():
        assert scroller.verticalScrollBar().maximum() > 0  # it scrolls instead of clipping


def test_opening_another_project_after_training_offers_to_keep_the_weights(qtbot: Any, tmp_path: Path) -> None:
    project = load_project(EXAMPLES / "perceptron_xor.nnb")
    project.training.epochs = 2
    h = shown_harness(qtbot, project, tmp_path / "xor.nnb")
    train(qtbot, h)
    h.dialogs.answers["choice"] = [None, "save"]  # first Cancel: the trained project stays open; then save
    assert not h.window.open_example(EXAMPLES / "spiral_playground.nnb")
    assert h.window.document.project.name == project.name and h.controller.trainer is not None
    assert h.window.open_example(EXAMPLES / "spiral_playground.nnb")
    assert (tmp_path / "xor.weights.safetensors").is_file()
    asked = [c for c in h.dialogs.calls if c[0] == "choice"]
    assert len(asked) == 2 and all(c[1] == "Keep the trained weights?" for c in asked)
    assert h.window.new_project()  # nothing unsaved is left: no further question
    assert len([c for c in h.dialogs.calls if c[0] == "choice"]) == 2


def test_a_gan_project_shows_no_classifier_test_tab_even_before_its_first_run(qtbot: Any) -> None:
    harness = open_window(qtbot, "gan_ring_2d.nnb")

    def visible(tab: int) -> bool:
        return harness.controller.dashboard.tabs.isTabVisible(tab)

    names = {"curves": Dashboard.TAB_CURVES, "weights": Dashboard.TAB_WEIGHTS, "boundary": Dashboard.TAB_BOUNDARY,
             "gallery": Dashboard.TAB_IMAGES, "series": Dashboard.TAB_PREDICTIONS, "graph": Dashboard.TAB_GRAPH,
             "test": Dashboard.TAB_TEST}
    assert {name: harness.controller.dashboard.tab_index(name) for name in names} == names  # the constants hold
    assert not visible(Dashboard.TAB_TEST)  # "Class probabilities" mean nothing for a GAN
    assert visible(Dashboard.TAB_CURVES)
    key = harness.controller.dashboard.curves.key
    assert "validation" not in key.text  # nor does a GAN draw validation curves
    harness.document.replace_project(load_project(EXAMPLES / "spiral_playground.nnb"), None)
    assert visible(Dashboard.TAB_TEST) and "dashed ▲: validation" in key.text
    harness.document.replace_project(load_project(EXAMPLES / "fashion_mnist_dcgan.nnb"), None)
    assert not visible(Dashboard.TAB_TEST)


def test_a_hint_does_not_push_the_plots_out_of_the_dock(qtbot: Any) -> None:
    """A word-wrapped hint used to size the dashboard from the plots' preferred height: the plots grew past
    the dock and a scroll bar appeared. The hint takes the lines it needs and the plots the rest."""
    from nnbuilder.app.workers.messages import STREAM_HINTS, ViewFrame

    harness = open_window(qtbot, "spiral_playground.nnb")
    c = harness.controller
    c._show_dashboard()
    dashboard = c.dashboard
    text = "The validation loss has been rising for 12 epochs while the training loss falls: " * 3
    dashboard.add_frame(ViewFrame(STREAM_HINTS, 1, 0, 1.0, [text]))
    dashboard.refresh_now(all_panels=True)
    for width in (1360, 700):  # wide, then narrow enough to wrap the hint onto several lines
        harness.window.resize(width, 860)
        qtbot.wait(50)
        banner = dashboard.panels["hints"]
        viewport = c.scroller.viewport()
        assert banner.isVisible()
        assert dashboard.height() <= viewport.height() + 1, (width, dashboard.height(), viewport.height())
        assert banner.label.height() >= banner.label.heightForWidth(banner.label.width()) - 1  # all of it shows


def test_a_hint_shown_again_is_drawn_inside_its_banner(qtbot: Any) -> None:
    """A banner hidden and shown again got no resize event: its label kept the size of the earlier, taller
    hint, and the new text, centred in it, fell outside the strip (an empty yellow band on screen)."""
    from nnbuilder.app.workers.messages import STREAM_HINTS, ViewFrame

    harness = open_window(qtbot, "spiral_playground.nnb")
    c = harness.controller
    c._show_dashboard()
    dashboard = c.dashboard
    banner = dashboard.panels["hints"]
    harness.window.resize(700, 860)
    qtbot.wait(50)
    dashboard.add_frame(ViewFrame(STREAM_HINTS, 1, 0, 1.0, ["The validation loss is rising. " * 12]))
    dashboard.refresh_now(all_panels=True)
    qtbot.wait(50)
    tall = banner.height()
    dashboard.add_frame(ViewFrame(STREAM_HINTS, 2, 0, 2.0, []))  # the hint no longer applies: hidden
    dashboard.refresh_now(all_panels=True)
    assert not banner.isVisible()
    harness.window.resize(1360, 860)
    qtbot.wait(50)
    dashboard.add_frame(ViewFrame(STREAM_HINTS, 3, 0, 3.0, ["Overfitting: the validation loss has risen."]))
    dashboard.refresh_now(all_panels=True)
    qtbot.wait(50)
    label = banner.label
    assert banner.isVisible() and banner.height() < tall
    assert label.geometry().top() >= 0 and label.geometry().bottom() < banner.height()  # the text is on screen
    assert label.height() >= label.heightForWidth(label.width()) - 1


def test_the_closing_sentence_of_a_run_fits_beside_the_progress_bar(qtbot: Any) -> None:
    """In the default window the progress bar took half the status bar and cut the household-power LSTM's
    closing sentence after "val_ma"."""
    h = open_window(qtbot, "household_power_lstm.nnb")
    bar = h.window.statusBar()
    sentence = ("Training stopped early at epoch 19 (0:34); best epoch 13 restored: loss 0.6162, mae 0.5649, "
                "val_loss 0.5866, val_mae 0.5724")  # as that run ends
    h.controller.status(sentence)
    QApplication.processEvents()
    beside = [h.controller.progress, h.window.counts_label, h.window.zoom_label]
    room = min(w.geometry().left() for w in beside if w.isVisible())
    assert bar.width() == 1360 and bar.fontMetrics().horizontalAdvance(sentence) + 16 < room, room


def test_after_training_an_example_the_question_says_why_its_weights_cannot_be_saved_yet(qtbot: Any) -> None:
    """An example opened from File ▸ Examples has no file of its own: the question said "this project has none
    yet", which read as nonsense under a title like "perceptron_blobs.nnb*"."""
    project = load_project(EXAMPLES / "perceptron_blobs.nnb")
    project.training.epochs = 2
    h = Harness(project)  # as File ▸ Examples opens it: no path of its own
    qtbot.addWidget(h.window)
    h.window.show()
    train(qtbot, h)
    h.dialogs.answers["choice"] = ["discard"]
    assert h.window.open_example(EXAMPLES / "spiral_playground.nnb")
    (asked,) = [c for c in h.dialogs.calls if c[0] == "choice"]
    text = " ".join(str(part) for part in asked[1:])
    assert "(a new one or an example) has no file of its own yet" in text and "File ▸ Save As" in text


def test_after_early_stopping_the_closing_figures_are_the_restored_epoch_s(qtbot: Any) -> None:
    """The household-power LSTM ended "stopped early (best epoch 13) (loss 0.6162, …, val_loss 0.6022)": the
    figures were epoch 19's, not those of the weights the model now has. They are the best epoch's now."""
    from nnbuilder.project import EarlyStoppingConfig

    project = load_project(EXAMPLES / "spiral_playground.nnb")
    project.data.options.update({"samples": 80, "noise": 0.5, "seed": 1})  # a few noisy points: learnt by heart
    project.training.validation_split = 0.5
    project.training.batch_size = 8
    project.training.epochs = 60
    project.training.early_stopping = EarlyStoppingConfig(enabled=True, monitor="val_loss", patience=4)
    h = shown_harness(qtbot, project)
    result = train(qtbot, h)
    best, last = result.restored_epoch, int(result.history[-1]["epoch"])
    assert best is not None and best < last
    row = next(r for r in result.history if r["epoch"] == best)
    status = h.window.statusBar().currentMessage()
    header = h.controller.dashboard.status_label.text()
    for text in (status, header, h.controller.progress.format()):
        assert f"best epoch {best}" in text, text
    for text in (status, header):
        assert f"stopped early at epoch {last}" in text and f"val_loss {row['val_loss']:.4g}" in text, text
        assert f"val_loss {result.history[-1]['val_loss']:.4g}" not in text  # the last epoch's: not the model's


def test_clear_runs_starts_the_numbering_again_and_says_the_model_keeps_its_weights(qtbot: Any) -> None:
    """After Clear runs the next run was "run 3: same settings" (the same as a run no one could see) while its
    timeline said "end of run 1"; the header read "No training yet" beside a progress bar "Finished · 2 epochs"
    and an enabled Continue training."""
    from nnbuilder.app.dashboard.dashboard import CLEARED_STATUS

    h = open_window(qtbot, "perceptron_blobs.nnb", epochs=2)
    train(qtbot, h)
    train(qtbot, h)
    dashboard = h.controller.dashboard
    assert [run.label for run in dashboard.runs] == ["run 1", "run 2: same settings"]
    dashboard.clear_button.click()
    assert dashboard.status_label.text() == CLEARED_STATUS  # the model keeps run 2's weights
    assert h.controller.progress.format() == "Runs cleared"
    assert h.window.statusBar().currentMessage() == ""
    train(qtbot, h)
    (run,) = dashboard.runs
    assert run.label.startswith("run 1") and "same settings" not in run.label, run.label
    assert "run 1" in dashboard.timeline.position_label.text(), dashboard.timeline.position_label.text()
    assert "run 1" in dashboard.timeline.restart_button.text()
    h.controller.reset_weights()
    dashboard.clear_button.click()
    assert dashboard.status_label.text() != CLEARED_STATUS  # no trained weights left to speak of


def test_after_training_a_forecaster_the_test_tab_knows_its_columns_and_units(qtbot: Any) -> None:
    """The Test tab said the household-power scores with no unit while Predictions spoke kW: the controller
    hands it what the trained model's data set says of itself."""
    h = open_window(qtbot, "household_power_lstm.nnb", epochs=1)
    train(qtbot, h, timeout_ms=180_000)
    details = h.controller.dashboard.evaluate._details
    assert details.get("target") == "Global_active_power" and details.get("columns"), details
