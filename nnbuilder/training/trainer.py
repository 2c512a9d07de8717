"""``Trainer``: the facade that builds a step for a project and drives it with a run loop.

No Qt and no module-level torch import (the app imports this package at start-up); torch, the step modules
and the loop are imported when a trainer is constructed. The design lives in ``loop.py`` (control, pacing,
guards, early stopping) and ``steps/`` (what one kind of training does); this class keeps the public API
the app, the CLI and scripts use: ``fit``, ``pause``/``resume``/``stop``, ``evaluate``, ``predict``, weights.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from ..project.errors import ProjectError
from ..project.model import Project
from .devices import pick_device
from .errors import TrainingError
from .events import Failed, Finished
from .faults import describe_fault

BATCH_EVENT_INTERVAL = 0.05  # seconds between BatchEnd events (plus the last batch of every epoch)

Callback = Callable[[Any], None]

__all__ = ["BATCH_EVENT_INTERVAL", "Trainer", "describe_fault"]


class Trainer:
    """Trains a project: one graph on its data set, or - for a project with a generator and a discriminator
    graph - the two as a GAN.

    Construction loads the data set (unless one is given) and compiles the model(s) with the project's seed,
    raising ``TrainingError`` with a student-readable sentence when either fails. Everything that can go
    wrong while training is reported by ``fit`` as a ``Failed`` event instead of an exception.
    """

    def __init__(
        self,
        project: Project,
        graph: str | None = None,
        dataset: Any = None,
        device: str | None = None,
        callback: Callback | None = None,
        base_dir: Path | None = None,
        *,
        snapshot_interval: float | None = None,
        checkpoint_path: str | Path | None = None,
        batch_event_interval: float = BATCH_EVENT_INTERVAL,
    ) -> None:
        import torch

        from ..data import DataError, load_dataset
        from .loop import RunLoop

        self.project = project
        self.config = project.training
        self.checkpoint_path = Path(checkpoint_path) if checkpoint_path else None
        gan = graph is None and project.is_gan
        if not gan:
            try:
                self.graph = project.graph(graph)
            except ProjectError as exc:
                raise TrainingError(str(exc), kind="model") from exc
        else:
            self.graph = project.role_graph("generator")
        self.device = pick_device(device if device is not None else self.config.device)
        self._torch_device = torch.device(self.device)
        if dataset is None:
            try:
                dataset = load_dataset(project.data.dataset, project.data.options, base_dir)
            except DataError as exc:
                raise TrainingError(str(exc), kind="data") from exc
        self.dataset = dataset
        if gan:
            from .steps.gan import GANStep

            self.step: Any = GANStep(project, dataset, self._torch_device)
        else:
            self.step = self._supervised_step()
        self.loop = RunLoop(self.step, self.config, self.device, callback, snapshot_interval=snapshot_interval,
                            checkpoint=self._checkpoint if self.checkpoint_path else None,
                            batch_event_interval=batch_event_interval)
        self.step.stop_requested = self.loop.stop_requested

    def _supervised_step(self) -> Any:
        import torch

        from ..compiler import build_module, infer
        from .steps.supervised import SupervisedStep

        inference = infer(self.graph, self.config)
        torch.manual_seed(int(self.config.seed))
        try:
            model = build_module(self.graph, self.config, inference)
        except ProjectError as exc:
            raise TrainingError(str(exc), kind="model") from exc
        except Exception as exc:  # noqa: BLE001 - a layer that cannot be built is a model problem
            raise TrainingError(f"The network could not be built: {exc}", kind="model") from exc
        return SupervisedStep(self.project, self.graph, self.dataset, model.to(self._torch_device), inference,
                              self._torch_device)

    # -- what the loop and the step hold -------------------------------------------------------------------
    @property
    def model(self) -> Any:
        """The trained network (a GAN's generator)."""
        return self.step.model

    @property
    def callback(self) -> Callback | None:
        return self.loop.callback

    @callback.setter
    def callback(self, value: Callback | None) -> None:
        self.loop.callback = value

    @property
    def history(self) -> list[dict[str, float]]:
        return self.loop.history

    @property
    def best_epoch(self) -> int | None:
        return self.loop.best_epoch

    @property
    def best_state(self) -> dict[str, Any] | None:
        """The best epoch's state dict (per model name for a GAN: ``{"generator": ..., "discriminator": ...}``)."""
        state = self.loop.best_state
        if state is not None and len(state) == 1:
            return next(iter(state.values()))
        return state

    @property
    def split(self) -> Any:
        """The ``Split`` (train/validation/test indices) this trainer uses; computed once, on first need."""
        if self.step.split is None:
            self.step.prepare()  # TrainingError with the data set's sentence when it cannot be split
        return self.step.split

    @property
    def batch_event_interval(self) -> float:
        return self.loop.batch_event_interval

    @batch_event_interval.setter
    def batch_event_interval(self, value: float) -> None:
        self.loop.batch_event_interval = float(value)

    # the supervised step's internals, for tests and the loss-specific checks that look at them
    @property
    def _optimizer(self) -> Any:
        return getattr(self.step, "_optimizer", None)

    @property
    def _prep(self) -> Any:
        return getattr(self.step, "_prep", None)

    @property
    def _view(self) -> Any:
        return getattr(self.step, "_view", None)

    @property
    def _view_kind(self) -> str:
        return str(getattr(self.step, "_view_kind", "values"))

    def _prepare(self) -> Any:
        return self.step._prepare()

    # -- control (any thread) ----------------------------------------------------------------------------
    def pause(self) -> None:
        """Hold training between batches until ``resume`` or ``stop``."""
        self.loop.pause()

    def resume(self) -> None:
        self.loop.resume()

    def stop(self) -> None:
        """Finish after the current batch; ``fit`` returns ``Finished(stopped_by_user=True)``. Without a run
        in progress this does nothing, so a later ``fit`` trains normally."""
        self.loop.stop()

    def request_snapshot(self) -> None:
        """Ask for one ``Snapshot`` event after the current batch (also served while paused)."""
        self.loop.request_snapshot()

    def step_once(self, which: str = "both") -> None:
        """One update by hand while paused (a GAN takes "D", "G" or "both"); reported as a ``BatchEnd``."""
        self.loop.step_once(which)

    @property
    def is_running(self) -> bool:
        return self.loop.is_running

    @property
    def is_paused(self) -> bool:
        """True while the training loop is actually parked by ``pause``."""
        return self.loop.is_paused

    # -- runs --------------------------------------------------------------------------------------------
    def fit(self, epochs: int | None = None, continue_training: bool = False) -> Finished | Failed:
        """Train for ``epochs`` epochs (default: the project's) in the calling thread.

        ``continue_training=False`` starts over from the seeded initial weights with an empty history;
        ``True`` continues from the current weights (after an earlier fit, ``load_weights`` or a
        state-dict copy), keeping the optimizer state and numbering epochs on from the history.
        Returns the ``Finished`` or ``Failed`` event it also sent to the callback; never raises for a
        training fault, and on a fault leaves the weights as they were after the last good epoch.
        """
        return self.loop.run(epochs, continue_training)

    def reset_weights(self) -> None:
        """Back to the weights the trainer started with (the same seeded initialisation), forgetting history."""
        self.loop.reset()

    def initial_state(self) -> dict[str, dict[str, Any]]:
        """A CPU copy of the weights every fresh run of this trainer starts from (``fit()`` without continue).

        Kept by the app for each run, so "restart from the same initial weights" can start a later run, of a
        network that may have changed a little since, from exactly the same point.
        """
        return {model: {k: v.detach().to("cpu", copy=True) for k, v in state.items()}
                for model, state in self.loop._initial_state.items()}

    def start_from(self, state: dict[str, dict[str, Any]]) -> list[str]:
        """Make ``state`` (another trainer's ``initial_state``) the weights fresh runs start from.

        Every tensor whose model, name and shape still fit is copied; layers that are new or changed shape
        keep this trainer's own seeded weights. Returns those layers' canvas names, so the app can say which
        part of the network did not start from the same point.
        """
        import torch

        names = self.step.layer_names()
        several = len(self.step.models) > 1
        fresh: list[str] = []
        with torch.no_grad():
            for model, module in self.step.models.items():
                saved = state.get(model, {})
                for key, target in module.state_dict().items():
                    source = saved.get(key)
                    if source is not None and tuple(source.shape) == tuple(target.shape):
                        target.copy_(source.to(device=target.device, dtype=target.dtype))
                        continue
                    top = key.split(".", 1)[0]
                    label = f"{model} {top}" if several else names.get(top, top)
                    if label not in fresh:
                        fresh.append(label)
        self.loop.remember_initial()
        return fresh

    def _checkpoint(self) -> None:
        if self.checkpoint_path is not None:
            self.save_weights(self.checkpoint_path)

    # -- evaluation and prediction -----------------------------------------------------------------------
    def evaluate(self, split: str = "test") -> dict[str, float]:
        """Loss and metrics on "test", "val" or "train" with the current weights (TrainingError if empty)."""
        return self.step.evaluate(split)

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Model outputs for samples ``x``: class probabilities (softmax applied exactly once) or values.

        Works from inside the callback (it runs in eval mode under no_grad and restores the mode). For a
        graph network ``x`` must hold every node's features; ``predict_nodes`` predicts chosen nodes.
        For a GAN, ``x`` is a batch of noise and the result the generated samples.
        """
        return self.step.predict(x)

    def predict_nodes(self, nodes: np.ndarray | list[int] | None = None) -> np.ndarray:
        """Predictions for nodes of the data set's graph (all nodes when ``nodes`` is None)."""
        return self.step.predict_nodes(nodes)

    def generate(self, n: int, seed: int | None = None, label: int | str | None = None) -> np.ndarray:
        """``n`` samples from a GAN's generator (TrainingError for other projects). A conditional GAN draws
        them all of class ``label`` (its number or name), or by default sample i of class i mod classes."""
        if getattr(self.step, "kind", "") != "gan":
            raise TrainingError("Only a project with a generator and a discriminator graph generates samples.",
                                kind="model")
        classes = int(getattr(self.step, "classes", 0) or 0)
        if label is not None and not classes:
            raise TrainingError("This GAN has no Class label layers, so it cannot be asked for a class.", kind="model")
        which = None if label is None else self.class_index(label)
        return self.step.generate(self.step.sample_noise(n, seed), which)

    def class_index(self, label: int | str) -> int:
        """A conditional GAN's class by number ("3") or name ("Sneaker", any case); TrainingError naming the
        classes when there is no such one."""
        names = list(getattr(self.step, "class_names", []) or [])
        text = str(label).strip()
        lowered = [nm.lower() for nm in names]
        if text.lower() in lowered:
            return lowered.index(text.lower())
        if text.lstrip("-").isdigit() and 0 <= int(text) < len(names):
            return int(text)
        raise TrainingError(f"There is no class '{text}'; the classes are {', '.join(names)} (or their numbers, 0 "
                            f"to {len(names) - 1}).", kind="data")

    # -- weights files -----------------------------------------------------------------------------------
    def save_weights(self, path: str | Path) -> Path:
        """Write the current weights as safetensors (with the project and graph names as metadata)."""
        from .weights import save_state

        return save_state(self.step.state_module(), path, {
            "format": "nnbuilder-weights", "project": self.project.name,
            "graph": "generator+discriminator" if self.step.kind == "gan" else self.graph.name})

    def load_weights(self, path: str | Path) -> None:
        """Load weights saved by ``save_weights`` (or a .pt state dict); a mismatch names the file and layer."""
        from .weights import load_state

        load_state(self.step.state_module(), path, self.step.layer_names())
