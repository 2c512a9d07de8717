"""Writes resources/examples/*.nnb: the lecture's networks as ready-to-open projects.

Run after changing an example here; the files are committed so the app needs nothing at run time.
tests/test_make_examples.py regenerates them into a temporary folder and fails when the shipped files
and this script disagree, so edit the example here (not the .nnb by hand) and rerun:

    python tools/make_examples.py [OUT_DIR]   # OUT_DIR defaults to resources/examples
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from nnbuilder.project import (  # noqa: E402
    DataConfig,
    EarlyStoppingConfig,
    Edge,
    GANConfig,
    Graph,
    Node,
    OptimizerConfig,
    Project,
    TrainingConfig,
    save_project,
)

OUT = Path(__file__).resolve().parent.parent / "resources" / "examples"


def chain(*layers: tuple[str, str, dict], label_map: dict[str, str] | None = None, name: str = "model",
          role: str = "model", y: float = 0.0, spacing: float = 220.0, per_row: int | None = None,
          row_gap: float = 220.0) -> Graph:
    """A left-to-right chain of (id, type, params) nodes.

    per_row wraps a long chain onto further rows (row_gap apart) so it fits the canvas without scrolling;
    spacing leaves room for wide node cards such as Conv2d's.
    """
    g = Graph(name=name, role=role)
    prev = None
    for i, (nid, typ, params) in enumerate(layers):
        row, col = divmod(i, per_row) if per_row else (0, i)
        g.add_node(Node(nid, typ, params, (col * spacing, y + row * row_gap), (label_map or {}).get(nid, "")))
        if prev is not None:
            g.add_edge(Edge(prev, nid))
        prev = nid
    return g


def fashion_mnist_mlp() -> Project:
    g = chain(
        ("input", "Input", {"shape": [28, 28]}),
        ("flatten", "Flatten", {}),
        ("hiddenlayer", "Dense", {"units": 128, "activation": "relu"}),
        ("outputlayer", "Dense", {"units": 10, "activation": "softmax"}),
    )
    return Project(
        name="Fashion-MNIST MLP",
        graphs=[g],
        data=DataConfig("fashion_mnist", {"normalize": True}),
        training=TrainingConfig(loss="sparse_categorical_crossentropy", optimizer=OptimizerConfig("adam", 0.001),
                                epochs=5, batch_size=32, metrics=["accuracy"], validation_split=0.3),
        notes="The lecture's Keras model: Flatten(28×28) → Dense(128, relu) → Dense(10, softmax), "
              "sparse categorical cross-entropy, Adam, 5 epochs, validation split 0.3. 101,770 parameters. "
              "Measured here after 5 epochs: validation accuracy 0.879 (loss 0.329), training accuracy 0.886. "
              "The lecture's slide says ~92 % after 5 epochs and ~95 % after 40; that does not reproduce "
              "(Keras 3 is reported to give the same ~0.87–0.88 at 5 epochs), and ~95 % is what the training set reaches "
              "when the network has started to overfit, not validation accuracy. Before training, Teach → Data first "
              "shows the lecture's first 25 pictures; after it, Teach → Sketch pad lets you draw a garment for it.",
    )


def fashion_mnist_cnn() -> Project:
    g = chain(
        ("input", "Input", {"shape": [1, 28, 28]}),
        ("conv1", "Conv2d", {"filters": 16, "kernel_size": 3, "padding": "same", "activation": "relu"}),
        ("pool1", "MaxPool2d", {"pool_size": 2}),
        ("conv2", "Conv2d", {"filters": 32, "kernel_size": 3, "padding": "same", "activation": "relu"}),
        ("pool2", "MaxPool2d", {"pool_size": 2}),
        ("flatten", "Flatten", {}),
        ("hidden", "Dense", {"units": 64, "activation": "relu"}),
        ("output", "Dense", {"units": 10, "activation": "softmax"}),
        spacing=240.0, per_row=4,
    )
    return Project(
        name="Fashion-MNIST CNN", graphs=[g],
        data=DataConfig("fashion_mnist", {"normalize": True, "channels": True}),
        training=TrainingConfig(loss="sparse_categorical_crossentropy", optimizer=OptimizerConfig("adam", 0.001),
                                epochs=3, batch_size=64, metrics=["accuracy"], validation_split=0.2),
        notes="A small convolutional network: the filters keep where things are in the picture, "
              "which flattening throws away. After training, Teach → Sketch pad lets you draw a garment and watch "
              "this network's probabilities follow the pen.",
    )


def spiral() -> Project:
    g = chain(
        ("input", "Input", {"shape": [2]}),
        ("hidden1", "Dense", {"units": 16, "activation": "tanh"}),
        ("hidden2", "Dense", {"units": 16, "activation": "tanh"}),
        ("output", "Dense", {"units": 2, "activation": "softmax"}),
    )
    return Project(
        name="Playground: spiral", graphs=[g],
        data=DataConfig("spiral", {"samples": 600, "noise": 0.1, "seed": 0}),
        training=TrainingConfig(loss="sparse_categorical_crossentropy", optimizer=OptimizerConfig("adam", 0.01),
                                epochs=100, batch_size=16, metrics=["accuracy"], validation_split=0.2),
        notes="The TensorFlow Playground's hardest set: two interleaved spiral arms. Watch the decision "
              "boundary bend as the hidden layers learn. Teach → Backprop stepper takes one point at a time through "
              "this network: z, a, δ and ∂C/∂w per layer, with the lecture's formulas. After a run, Teach → Replay "
              "and compare runs scrubs back through it and restarts it from the same initial weights with another "
              "learning rate, to compare the two boundaries side by side.",
    )


def perceptron(dataset: str, title: str, notes: str) -> Project:
    g = chain(
        ("input", "Input", {"shape": [2]}),
        ("neuron", "Dense", {"units": 1, "activation": "step"}),
    )
    return Project(
        name=title, graphs=[g], data=DataConfig(dataset, {"samples": 200, "seed": 0}),
        training=TrainingConfig(loss="perceptron", optimizer=OptimizerConfig("sgd", 0.1), epochs=20,
                                batch_size=1, metrics=["accuracy"], validation_split=0.0),
        notes=notes,
    )


def linear_neuron() -> Project:
    g = chain(
        ("input", "Input", {"shape": [2]}),
        ("neuron", "Dense", {"units": 1, "activation": "linear"}),
    )
    return Project(
        name="Linear neuron (½·SSE)", graphs=[g], data=DataConfig("blobs", {"samples": 200, "seed": 0}),
        training=TrainingConfig(loss="sse", optimizer=OptimizerConfig("sgd", 0.001), epochs=30, batch_size=1,
                                metrics=["accuracy"], validation_split=0.0),
        notes="The lecture's differentiable perceptron: z = wᵀx + b with a linear activation and the loss "
              "J(w) = ½ Σ (y − ŷ)², trained by gradient descent. Its decision boundary is a straight line. "
              "Teach → Backprop stepper steps one point through this neuron with the ½·SSE cost; Teach → Optimizer "
              "race shows gradient descent and its faster cousins as balls rolling on a loss surface.",
    )


def power_lstm() -> Project:
    g = chain(
        ("input", "Input", {"shape": [24, 1]}),
        ("to_channels", "Permute", {"dims": [2, 1]}),
        ("conv-1d-1", "Conv1d", {"filters": 21, "kernel_size": 1, "padding": "same", "activation": "relu"}),
        ("to_time", "Permute", {"dims": [2, 1]}),
        ("lstm_layer", "LSTM", {"units": 21, "return_sequences": True}),
        ("lstm_layer_2", "LSTM", {"units": 10}),
        ("outputlayer", "Dense", {"units": 10, "activation": "linear"}),
        spacing=240.0, per_row=4,
    )
    return Project(
        name="Household power: Conv1D + LSTM", graphs=[g],
        data=DataConfig("household_power", {"resolution": "hourly", "window": 24, "horizon": 10,
                                            "columns": ["Global_active_power"], "target": "Global_active_power"}),
        training=TrainingConfig(loss="mse", optimizer=OptimizerConfig("adam", 0.001), epochs=20, batch_size=32,
                                metrics=["mae"], validation_split=0.2,
                                early_stopping=EarlyStoppingConfig(True, "val_loss", 6, 0.0, True)),
        notes="The lecture's forecaster: Conv1D(21) → LSTM(21, return sequences) → LSTM(10) → Dense(10), "
              "MSE, Adam, early stopping with patience 6 restoring the best weights. Predicts the next 10 hours "
              "of household power from the last 24. Differs from the lecture so a run fits in a lesson: hourly "
              "readings over four years (the lecture shows minute readings), batch 32 (lecture 10), values "
              "standardised (the lecture's table is scaled to [0, 1]) and training windows shuffled each epoch "
              "(the lecture uses shuffle=F). 'Household power: the lecture's settings' keeps what the app can.",
    )


def recurrent_variant(cell: str) -> Project:
    p = power_lstm()
    g = chain(
        ("input", "Input", {"shape": [24, 1]}),
        ("rnn1", cell, {"units": 21, "return_sequences": True}),
        ("rnn2", cell, {"units": 10}),
        ("outputlayer", "Dense", {"units": 10, "activation": "linear"}),
    )
    p.graphs = [g]
    p.name = f"Household power: {cell}"
    p.notes = (f"The forecaster's two recurrent layers as {cell} cells, without the Conv1D in front: {cell}(21, "
               f"return sequences) → {cell}(10) → Dense(10), trained as 'Household power: Conv1D + LSTM' is "
               "(hourly readings, batch 32, standardised values, shuffled windows, early stopping with patience "
               "6). Compared with that example, its time and errors show what the cell type and the Conv1D change "
               "together; to "
               "compare the cells alone, put Permute → Conv1D(21, kernel 1, ReLU) → Permute between the Input "
               "and the first recurrent layer, as the LSTM example has.")
    return p


def gcn(dataset: str, title: str, hidden: int, classes: int, epochs: int, notes: str) -> Project:
    g = Graph()
    g.add_node(Node("features", "Input", {"shape": [34 if dataset == "karate_club" else 1433]}, (0, 0)))
    g.add_node(Node("graph", "GraphInput", {}, (0, 160)))
    g.add_node(Node("gcn1", "GCNConv", {"units": hidden, "activation": "relu"}, (220, 0)))
    g.add_node(Node("dropout", "Dropout", {"rate": 0.5}, (440, 0)))
    g.add_node(Node("gcn2", "GCNConv", {"units": classes, "activation": "linear"}, (660, 0)))
    g.add_edge(Edge("features", "gcn1"))
    g.add_edge(Edge("graph", "gcn1", "out", "graph"))
    g.add_edge(Edge("gcn1", "dropout"))
    g.add_edge(Edge("dropout", "gcn2"))
    g.add_edge(Edge("graph", "gcn2", "out", "graph"))
    return Project(
        name=title, graphs=[g], data=DataConfig(dataset, {}),
        training=TrainingConfig(loss="sparse_categorical_crossentropy",
                                optimizer=OptimizerConfig("adam", 0.01, weight_decay=5e-4), epochs=epochs,
                                batch_size=1, metrics=["accuracy"], validation_split=0.0),
        notes=notes,
    )


def skip_connection() -> Project:
    g = Graph()
    nodes = [
        ("input", "Input", {"shape": [2]}, (0, 60)),
        ("dense_a", "Dense", {"units": 16, "activation": "relu"}, (220, 0)),
        ("dense_b", "Dense", {"units": 16, "activation": "relu"}, (440, 0)),
        ("skip", "Dense", {"units": 16}, (330, 140)),
        ("add", "Add", {}, (660, 60)),
        ("concat", "Concatenate", {}, (880, 60)),
        ("output", "Dense", {"units": 2, "activation": "softmax"}, (1100, 60)),
    ]
    for nid, t, params, pos in nodes:
        g.add_node(Node(nid, t, params, pos))
    for s, t in [("input", "dense_a"), ("dense_a", "dense_b"), ("input", "skip"), ("dense_b", "add"),
                 ("skip", "add"), ("add", "concat"), ("dense_a", "concat"), ("concat", "output")]:
        g.add_edge(Edge(s, t))
    return Project(
        name="Skip connection on moons", graphs=[g], data=DataConfig("moons", {"samples": 500, "noise": 0.15}),
        training=TrainingConfig(loss="sparse_categorical_crossentropy", optimizer=OptimizerConfig("adam", 0.01),
                                epochs=30, batch_size=32, metrics=["accuracy"], validation_split=0.2),
        notes="Not every network is a chain: a residual Add and a Concatenate merge branches.",
    )


def gan_ring_2d() -> Project:
    gen = chain(
        ("noise", "Noise", {"latent": 2, "distribution": "normal"}),
        ("g_hidden1", "Dense", {"units": 128, "activation": "leaky_relu"}),
        ("g_hidden2", "Dense", {"units": 128, "activation": "leaky_relu"}),
        ("g_point", "Dense", {"units": 2}),
        name="generator", role="generator")
    gen.optimizer = OptimizerConfig("adam", 0.001, beta1=0.5, schedule="cosine")
    disc = chain(
        ("point", "Input", {"shape": [2]}),
        ("d_hidden1", "Dense", {"units": 128, "activation": "leaky_relu"}),
        ("d_hidden2", "Dense", {"units": 128, "activation": "leaky_relu"}),
        ("d_real", "Dense", {"units": 1, "activation": "sigmoid"}),
        name="discriminator", role="discriminator", y=260.0)
    disc.optimizer = OptimizerConfig("adam", 0.001, beta1=0.5, schedule="cosine")
    return Project(
        name="GAN: ring of 8 Gaussians",
        graphs=[gen, disc],
        data=DataConfig("ring8", {"samples": 8000, "std": 0.05, "seed": 0}),
        training=TrainingConfig(loss="binary_crossentropy", optimizer=OptimizerConfig("adam", 0.001, beta1=0.5),
                                epochs=60, batch_size=256, metrics=[], validation_split=0.0,
                                gan=GANConfig(d_steps=1, loss="non_saturating")),
        notes="Two networks duke it out. The generator turns random noise (2 numbers) into a point; the "
              "discriminator scores each point: real (from the ring) or generated? Each learns from the other's "
              "mistakes. The real data are eight tight clusters on a circle of radius 2; watch the generated "
              "points spread out until every cluster is covered (modes 8/8), then sharpen (high quality: within "
              "3 standard deviations of a mean). The heatmap is the discriminator's opinion, the arrows show "
              "where the generator wants to move its points. For the class: pause, then step D only or G only "
              "to see each player's move; turn the discriminator's learning rate up 10× to see it win (loss_D "
              "near 0) and the generator stall. The learning rates fall to 0 along a cosine over the 60 epochs, "
              "which lets the points settle into the clusters at the end.",
    )


# gamma only matters when a user switches the schedule to step decay in Project settings; cosine ignores it.
DCGAN_ADAM = OptimizerConfig("adam", 0.002, beta1=0.5, schedule="cosine", gamma=0.7)


def placed(name: str, role: str, nodes: list[tuple[str, str, dict, tuple[float, float]]],
           edges: list[tuple[str, str]]) -> Graph:
    """A graph of (id, type, params, position) nodes and (source, target) edges, for layouts a chain cannot do."""
    g = Graph(name=name, role=role)
    for nid, typ, params, pos in nodes:
        g.add_node(Node(nid, typ, params, pos))
    for source, target in edges:
        g.add_edge(Edge(source, target))
    return g


def fashion_mnist_dcgan() -> Project:
    # conditional (Mirza & Osindero 2014): both networks get the class as a one-hot vector, the generator joined
    # to its noise, the discriminator as an extra 28x28 channel beside the picture (a Dense and a Reshape)
    g_chain = ["noise", "g_join", "g_project", "g_reshape", "g_norm0", "g_relu0", "g_up1", "g_norm1", "g_relu1",
               "g_up2"]
    gen = placed("generator", "generator", [
        ("noise", "Noise", {"latent": 64, "distribution": "normal"}, (0, 0)),
        ("label", "Label", {"classes": 10}, (0, 140)),
        ("g_join", "Concatenate", {}, (220, 0)),
        ("g_project", "Dense", {"units": 3136}, (440, 0)),
        ("g_reshape", "Reshape", {"shape": [64, 7, 7]}, (660, 0)),
        ("g_norm0", "BatchNorm2d", {}, (880, 0)),
        ("g_relu0", "ReLU", {}, (1100, 0)),
        ("g_up1", "ConvTranspose2d", {"filters": 32, "kernel_size": 4, "strides": 2, "padding": 1}, (1320, 0)),
        ("g_norm1", "BatchNorm2d", {}, (1540, 0)),
        ("g_relu1", "ReLU", {}, (1760, 0)),
        ("g_up2", "ConvTranspose2d", {"filters": 1, "kernel_size": 4, "strides": 2, "padding": 1,
                                      "activation": "sigmoid"}, (1980, 0)),
    ], list(zip(g_chain, g_chain[1:], strict=False)) + [("label", "g_join")])
    gen.optimizer = replace(DCGAN_ADAM)
    d_chain = ["image", "d_join", "d_conv1", "d_leak1", "d_conv2", "d_norm2", "d_leak2", "d_flatten", "d_real"]
    disc = placed("discriminator", "discriminator", [
        ("image", "Input", {"shape": [1, 28, 28]}, (0, 320)),
        ("label", "Label", {"classes": 10}, (0, 460)),
        ("d_label_map", "Dense", {"units": 784}, (220, 460)),
        ("d_label_plane", "Reshape", {"shape": [1, 28, 28]}, (440, 460)),
        ("d_join", "Concatenate", {"axis": 0}, (660, 320)),
        ("d_conv1", "Conv2d", {"filters": 32, "kernel_size": 4, "strides": 2}, (880, 320)),
        ("d_leak1", "LeakyReLU", {"negative_slope": 0.2}, (1100, 320)),
        ("d_conv2", "Conv2d", {"filters": 64, "kernel_size": 4, "strides": 2}, (1320, 320)),
        ("d_norm2", "BatchNorm2d", {}, (1540, 320)),
        ("d_leak2", "LeakyReLU", {"negative_slope": 0.2}, (1760, 320)),
        ("d_flatten", "Flatten", {}, (1980, 320)),
        ("d_real", "Dense", {"units": 1, "activation": "sigmoid"}, (2200, 320)),
    ], list(zip(d_chain, d_chain[1:], strict=False)) + [("label", "d_label_map"), ("d_label_map", "d_label_plane"),
                                                        ("d_label_plane", "d_join")])
    disc.optimizer = replace(DCGAN_ADAM)
    return Project(
        name="Conditional DCGAN: Fashion-MNIST",
        graphs=[gen, disc],
        data=DataConfig("fashion_mnist", {"normalize": True, "channels": True}),
        training=TrainingConfig(loss="binary_crossentropy", optimizer=replace(DCGAN_ADAM),
                                epochs=4, batch_size=32, metrics=[], validation_split=0.0,
                                gan=GANConfig(d_steps=1, loss="non_saturating")),
        notes="A small conditional DCGAN (Radford et al. 2015; Mirza & Osindero 2014). Both networks are told the "
              "class: the Class label layers give it as ten numbers, a 1 for the class and 0 for the others. The "
              "generator joins them to 64 random numbers, blows these up into 64 feature maps of 7×7 (BatchNorm, "
              "ReLU) and upsamples them twice with Conv2DTranspose to a 28×28 picture. The discriminator turns the "
              "class into a 28×28 plane (Dense, Reshape), lays it beside the picture as a second channel, and a "
              "two-layer convolutional network (LeakyReLU 0.2, BatchNorm on the second layer) says 'a real photo "
              "of this class' or not. So a generated sneaker must look like a sneaker, not just like clothing. "
              "Adam with beta1 = 0.5 as in the paper, a learning rate of 0.002 falling along a cosine, epoch by "
              "epoch, to a seventh of it in the last epoch (the samples settle and sharpen as the steps shrink), "
              "batches of 32: in a few minutes more small steps beat fewer large ones. The Samples tab keeps the "
              "same 8 noise vectors all run long, one per row, each drawn in every class, one class per column: "
              "watch blobs become garments, and see that a row keeps its 'style' (brightness, width) across the "
              "classes. After a minute the shapes are recognisable. Measured on a 2-core machine: the 4 epochs take "
              "about 140 s with both cores; a classifier trained on the real photos is then sure (p >= 0.9) of "
              "about 70 % of the samples, all 10 classes among them (it is that sure of 77 % of real test "
              "photos), and names the asked class for 89 % of them. For a plain DCGAN, delete the two Class label "
              "layers, the discriminator's Dense and Reshape behind its label and both Concatenates, and wire the "
              "Noise and the Input straight to the layers after them: it reached only 39 to 49 % in the same time, "
              "with many shirts that are half pullover.",
    )


def mnist_gan() -> Project:
    gen = chain(
        ("noise", "Noise", {"latent": 64, "distribution": "normal"}),
        ("g_hidden", "Dense", {"units": 256, "activation": "relu"}),
        ("g_pixels", "Dense", {"units": 784, "activation": "sigmoid"}),
        ("g_image", "Reshape", {"shape": [1, 28, 28]}),
        name="generator", role="generator")
    disc = chain(
        ("image", "Input", {"shape": [1, 28, 28]}),
        ("d_flatten", "Flatten", {}),
        ("d_hidden", "Dense", {"units": 256, "activation": "leaky_relu"}),
        ("d_real", "Dense", {"units": 1, "activation": "sigmoid"}),
        name="discriminator", role="discriminator", y=260.0)
    return Project(
        name="GAN: MNIST digits",
        graphs=[gen, disc],
        data=DataConfig("mnist_test", {"normalize": True, "channels": True}),
        training=TrainingConfig(loss="binary_crossentropy", optimizer=OptimizerConfig("adam", 0.0002, beta1=0.5),
                                epochs=20, batch_size=64, metrics=[], validation_split=0.0,
                                gan=GANConfig(d_steps=1, loss="non_saturating", label_smoothing=0.1)),
        notes="The original GAN of Goodfellow et al. (2014) with one hidden layer each, on the 10,000 digits of "
              "MNIST's test set. The generator never sees a digit: it only learns from the discriminator's "
              "verdicts. Real targets are 0.9 instead of 1 (one-sided label smoothing) so the discriminator "
              "does not become overconfident. Digits appear after a few epochs; watch loss_D and loss_G balance "
              "each other rather than fall.",
    )


def fashion_mnist_mlp_40_epochs() -> Project:
    p = fashion_mnist_mlp()
    p.name = "Fashion-MNIST MLP, 40 epochs (overfitting)"
    p.training.epochs = 40
    p.notes = ("The lecture's MLP trained for the 40 epochs its slide mentions, to watch overfitting: training "
               "loss keeps falling while validation loss turns and rises (reported for this network: about 0.31 "
               "at epoch 10, about 0.40 at epoch 40; training accuracy near 0.96, validation near 0.89). Measured "
               "here, all 40 epochs (33 s on one CPU thread): validation loss 0.315 at epoch 10 (accuracy 0.888), "
               "lowest at epoch 15 (0.309), then rising to 0.420 at epoch 40 (accuracy 0.891), while training loss "
               "kept falling from 0.253 at epoch 10 to 0.112 at epoch 40 (training accuracy 0.906, then 0.958). The "
               "epoch where the validation curve turns is the one to stop at: early stopping with 'restore best "
               "weights', or a Dropout layer after the hidden layer, are the two cures to try. After the run, "
               "Teach → Replay and compare runs takes the curves back to any epoch; add a Dropout, restart from the "
               "same initial weights and compare the two runs.")
    return p


HOUSEHOLD_ALL = ["Global_active_power", "Global_reactive_power", "Voltage", "Global_intensity",
                 "Sub_metering_1", "Sub_metering_2", "Sub_metering_3"]


def power_lecture() -> Project:
    g = chain(
        ("input", "Input", {"shape": [60, len(HOUSEHOLD_ALL)]}),
        ("to_channels", "Permute", {"dims": [2, 1]}),
        ("conv-1d-1", "Conv1d", {"filters": 21, "kernel_size": 1, "padding": "same", "activation": "relu"}),
        ("to_time", "Permute", {"dims": [2, 1]}),
        ("lstm_layer", "LSTM", {"units": 21, "return_sequences": True}),
        ("lstm_layer_2", "LSTM", {"units": 10}),
        ("outputlayer", "Dense", {"units": 10, "activation": "linear"}),
    )
    return Project(
        name="Household power: the lecture's settings", graphs=[g],
        data=DataConfig("household_power", {"resolution": "minute", "window": 60, "horizon": 10,
                                            "columns": list(HOUSEHOLD_ALL), "target": "Global_active_power",
                                            "scaling": "minmax"}),
        training=TrainingConfig(loss="mse", optimizer=OptimizerConfig("adam", 0.001), epochs=20, batch_size=10,
                                shuffle=False, metrics=["mae"], validation_split=0.2,
                                early_stopping=EarlyStoppingConfig(True, "val_loss", 6, 0.0, True)),
        notes="The lecture's LSTM with its own settings: minute readings (34 days from 16 Dec 2006), all seven "
              "measured columns as features, each scaled to [0, 1] (min-max, with the minimum and maximum of the "
              "rows before the test part), batch 10, training windows fed in time order every epoch (Shuffle off, "
              "the lecture's shuffle=F), 20 epochs, MSE, Adam, early stopping with patience 6 restoring the best "
              "weights, and a linear Dense(10) predicting the next 10 readings. What still differs, and why: the "
              "lecture does not say how many past minutes it feeds the network, so the window is 60 (one hour). Its "
              "early stopping sits inside a loop of one-epoch fit calls, where the callback starts afresh each call "
              "and so never stops the run; here it watches the whole run (in the run measured here validation loss "
              "fell every epoch, so both train all 20). The lecture validates on separate test windows; here "
              "validation is the last 20 % of the training windows and the test set the last 10 % of the series, and "
              "the scaling statistics include the validation rows but never the test rows, so test values can leave "
              "[0, 1]. Losses are in scaled units: an MAE of 0.05 is 5 % of the power's range in the training rows "
              "(9.08 kW), about 0.46 kW; the prediction plot shows kW. Measured here (one CPU thread): all 20 epochs "
              "in 221 s, 6 to 36 s an epoch, about 3,500 batches of 10 windows each; validation MSE 0.0059 and MAE "
              "0.0505 at epoch 20, test MSE 0.0040 and MAE 0.042.",
    )


EXAMPLES = {
    "fashion_mnist_mlp": fashion_mnist_mlp,
    "fashion_mnist_cnn": fashion_mnist_cnn,
    "spiral_playground": spiral,
    "perceptron_blobs": lambda: perceptron(
        "blobs", "Perceptron: separable blobs",
        "Rosenblatt's perceptron: one Step neuron learns w ← w + η (y − ŷ) x and finds a line between "
        "two separable clouds. Teach → Data first shows the two blobs before training."),
    "perceptron_xor": lambda: perceptron(
        "xor", "Perceptron: XOR cannot be learned",
        "The same single neuron on XOR never gets every point right: no straight line separates the classes. "
        "Add a hidden layer to solve it."),
    "linear_neuron_sse": linear_neuron,
    "household_power_lstm": power_lstm,
    "household_power_gru": lambda: recurrent_variant("GRU"),
    "household_power_rnn": lambda: recurrent_variant("SimpleRNN"),
    "karate_club_gcn": lambda: gcn(
        "karate_club", "GCN: karate club", 16, 2, 100,
        "Zachary's karate club split into two factions. With only the two leaders labelled, the graph "
        "convolution spreads labels along friendships."),
    "cora_gcn": lambda: gcn(
        "cora", "GCN: Cora citations", 16, 7, 100,
        "Kipf & Welling's two-layer GCN on the Cora citation graph (2,708 papers, 7 topics)."),
    "skip_connection_moons": skip_connection,
    "gan_ring_2d": gan_ring_2d,
    "fashion_mnist_dcgan": fashion_mnist_dcgan,
    "mnist_gan": mnist_gan,
    "fashion_mnist_mlp_40_epochs": fashion_mnist_mlp_40_epochs,
    "household_power_lecture": power_lecture,
}


def main(out: Path = OUT) -> list[Path]:
    """Returns the written paths so a caller (the test) can compare exactly what this run produced."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, make in EXAMPLES.items():
        path = out / f"{name}.nnb"
        save_project(make(), path)
        print("wrote", path)
        written.append(path)
    return written


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
