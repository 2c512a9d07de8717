"""The GAN step: a generator and a discriminator graph trained against each other (Goodfellow et al. 2014).

One *batch* of the run loop is one generator update after ``d_steps`` discriminator updates (each on the next
mini-batch of real rows and a fresh noise batch), so an epoch is one pass over the real data by the
discriminator. Losses: the non-saturating one of the original paper and the PyTorch DCGAN tutorial
(D: BCE(D(x), 1) + BCE(D(G(z)), 0); G: BCE(D(G(z)), 1)), or least squares (LSGAN, Mao et al. 2017).
One-sided label smoothing (Salimans et al. 2016) softens only the real targets. Each network has its own
optimizer: a graph's own ``optimizer`` setting, else the project's.

Interval values per ``BatchEnd``: loss_D, loss_G, D_x (mean D(x) on real samples) and D_G_z (mean D(G(z)) on
generated ones, before the discriminator's update), the tutorial's signals. For data sets that declare their
modes (``ring8``) each epoch also logs ``modes`` and ``high_quality`` (VEEGAN's definitions). Like the
supervised step, nothing is read back from the device per batch; values are stacked when an event is due.

A *conditional* GAN (Mirza & Osindero 2014) has a Class label layer in both graphs: each real batch comes with
its classes, the generator is asked for the same classes (as one-hot vectors), and the discriminator judges
every sample together with its class, so the generator must draw the asked class to pass. Generated samples
then cycle through the classes (sample i is of class i mod classes) unless labels are given; the fixed grid
holds 8 noise vectors, each drawn in every class, so a row is one "style" and a column one class.

Probes for the live views (see ``base.py``): ``fixed_noise``, ``sample_noise``, ``generate``,
``discriminate``, ``generator_gradient``, ``real_samples``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from ..errors import TrainingError
from ..events import Snapshot
from ..loop import BatchFault, NonFinite, StopRequested
from ..split import Split, compute_split
from .base import VIEW_CURVES, VIEW_GAN_LAB, VIEW_GAN_SAMPLES, Plan

FIXED_NOISE_ROWS = 64  # the gallery's grid: 8 x 8 samples of the same noise all run long
CONDITIONAL_ROWS = 8  # a conditional GAN's grid: this many noise vectors, each in every class (one per column)
MAX_CLASS_COLUMNS = 16  # more classes than this: the grid's 64 samples cycle through them instead
COVERAGE_SAMPLES = 2500  # samples for modes covered / high quality after each epoch (VEEGAN uses 2,500)
_NAMES = ["loss_D", "D_x", "D_G_z", "loss_G"]


class GANStep:
    """See the module docstring. Built by ``Trainer`` for a project with a generator and a discriminator."""

    kind = "gan"
    task = "generation"
    losses = ["loss_D", "loss_G"]
    metrics = ["D_x", "D_G_z"]
    manual_steps = ("D", "G", "both")
    uses_early_stopping = False  # no validation score to watch; a GAN's losses do not fall as it improves

    def __init__(self, project: Any, dataset: Any, device: Any) -> None:
        import torch
        from torch import nn

        from ...compiler import build_module, infer
        from ...compiler.gan_checks import check_gan
        from ...project.errors import ProjectError
        from ..views import training_view

        self.project = project
        self.config = project.training
        self.dataset = dataset
        self._torch_device = torch.device(device)
        gen_graph = project.role_graph("generator")
        disc_graph = project.role_graph("discriminator")
        title = getattr(dataset, "title", None) or getattr(dataset, "id", "the data set")
        labelled = any(n.type == "Label" for g in (gen_graph, disc_graph) if g is not None for n in g.nodes)
        data_classes = (dataset.num_classes or 0) if labelled else None
        problems = [p for p in check_gan(project, tuple(int(d) for d in dataset.x.shape[1:]), title, data_classes)
                    if p.is_error]
        if problems:
            raise TrainingError(" ".join(p.message for p in problems[:2]), kind="model")
        assert gen_graph is not None and disc_graph is not None
        self.gen_graph, self.disc_graph = gen_graph, disc_graph
        g_inf, d_inf = infer(gen_graph), infer(disc_graph)
        noise_id = next(n for n in g_inf.inputs if gen_graph.node(n).type == "Noise")
        noise_node = gen_graph.node(noise_id)
        g_label = next((n for n in g_inf.inputs if gen_graph.node(n).type == "Label"), None)
        d_label = next((n for n in d_inf.inputs if disc_graph.node(n).type == "Label"), None)
        #: classes of a conditional GAN (0: unconditional); the label's place among each network's inputs
        self.classes = int(g_inf.nodes[g_label].output_shape[0]) if g_label else 0  # type: ignore[index]
        self._g_label_first = g_label is not None and g_inf.inputs.index(g_label) < g_inf.inputs.index(noise_id)
        self._d_label_first = d_label is not None and d_inf.inputs.index(d_label) == 0
        names = list(getattr(dataset, "class_names", None) or [])
        self.class_names = names if len(names) == self.classes else [str(i) for i in range(self.classes)]
        self.latent = int(noise_node.params.get("latent", 100))
        self.distribution = str(noise_node.params.get("distribution", "normal"))
        self.sample_shape = tuple(int(d) for d in dataset.x.shape[1:])
        torch.manual_seed(int(self.config.seed))
        try:
            generator = build_module(gen_graph, None, g_inf)
            discriminator = build_module(disc_graph, None, d_inf)
        except ProjectError as exc:
            raise TrainingError(str(exc), kind="model") from exc
        except Exception as exc:  # noqa: BLE001 - a layer that cannot be built is a model problem
            raise TrainingError(f"The GAN could not be built: {exc}", kind="model") from exc
        self.generator = generator.to(self._torch_device)
        self.discriminator = discriminator.to(self._torch_device)
        self.model = self.generator
        self.models = {"generator": self.generator, "discriminator": self.discriminator}
        self._pair = nn.ModuleDict(self.models)
        gan = self.config.gan
        self.d_steps = max(1, int(gan.d_steps))
        self.least_squares = gan.loss == "least_squares"
        self.real_target = 1.0 - float(gan.label_smoothing)
        # training views: re-traced flat (no per-layer container calls); D ends in logits for the BCE losses
        self._g_view, _k, _a = training_view(self.generator, "mse")
        if self.least_squares:
            self._d_view, self._d_kind, _a = training_view(self.discriminator, "mse")
        else:
            self._d_view, self._d_kind, _a = training_view(self.discriminator, "binary_crossentropy")
        self.optimizers: dict[str, Any] = {}
        self._schedulers: dict[str, Any] = {}
        self._gen: Any = None  # noise and shuffling, seeded per run
        self._real: Any = None  # real training rows on the device
        self._real_y: Any = None  # their classes (conditional GANs)
        self._shuffled: Any = None
        self.split: Split | None = None
        self.stop_requested: Callable[[], bool] = lambda: False
        self._batch_size = int(self.config.batch_size)
        self._shuffle = bool(self.config.shuffle)
        rng = np.random.default_rng(int(self.config.seed) + 1)
        if self.classes and self.classes <= MAX_CLASS_COLUMNS:
            self.fixed_noise = np.repeat(self._draw(rng, CONDITIONAL_ROWS), self.classes, axis=0)
        else:
            self.fixed_noise = self._draw(rng, FIXED_NOISE_ROWS)
        #: columns of the grid of ``fixed_noise``'s samples: one per class in a conditional GAN, else 0 (any)
        self.grid_columns = self.classes if self.classes and self.classes <= MAX_CLASS_COLUMNS else 0
        self._eval_noise = self._draw(np.random.default_rng(int(self.config.seed) + 2), COVERAGE_SAMPLES)
        extra = getattr(dataset, "extra", {}) or {}
        self._modes = np.asarray(extra["modes"], dtype=np.float64) if "modes" in extra else None
        self._mode_std = float(extra.get("mode_std", 0.0))
        # GAN Lab's heatmap is D over the plane: one picture only when D does not also depend on a class
        self.views = [VIEW_CURVES, VIEW_GAN_SAMPLES] + (
            [VIEW_GAN_LAB] if self.sample_shape == (2,) and not self.classes else [])
        self._notes: list[str] = []
        self._amp_dtype: Any = None  # set per run by begin(): the mixed-precision setting may change between runs
        self._scalers: dict[str, Any] = {}

    def _autocast(self) -> Any:
        """The mixed-precision context of the forward passes (bfloat16/float16), or a no-op one in float32."""
        import contextlib

        import torch

        if self._amp_dtype is None:
            return contextlib.nullcontext()
        return torch.autocast(self._torch_device.type, dtype=self._amp_dtype)

    def _backward(self, name: str, loss: Any) -> None:
        scaler = self._scalers.get(name)
        (loss if scaler is None else scaler.scale(loss)).backward()

    def _optimizer_step(self, name: str) -> None:
        scaler = self._scalers.get(name)
        if scaler is None:
            self.optimizers[name].step()
        else:
            scaler.step(self.optimizers[name])
            scaler.update()

    @property
    def batch_size(self) -> int:
        return self._batch_size

    # -- noise -------------------------------------------------------------------------------------------
    def _draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        if self.distribution == "uniform":
            return rng.uniform(-1.0, 1.0, (n, self.latent)).astype(np.float32)
        return rng.standard_normal((n, self.latent)).astype(np.float32)

    def sample_noise(self, n: int, seed: int | None = None) -> np.ndarray:
        """``n`` noise vectors (float32, (n, latent)) from the Noise layer's distribution."""
        return self._draw(np.random.default_rng(seed), int(n))

    def _noise(self, n: int) -> Any:
        import torch

        if self.distribution == "uniform":
            z = torch.rand((n, self.latent), generator=self._gen, device=self._gen.device) * 2 - 1
        else:
            z = torch.randn((n, self.latent), generator=self._gen, device=self._gen.device)
        return z.to(self._torch_device, non_blocking=True)

    # -- class labels (conditional GANs) -------------------------------------------------------------------
    def labels_for(self, n: int, labels: Any = None) -> np.ndarray | None:
        """The classes of ``n`` generated samples: ``labels`` (one class for all, or one per sample) checked
        against the Class label's range, else i mod classes for sample i; None for an unconditional GAN."""
        if not self.classes:
            return None
        if labels is None:
            return (np.arange(int(n)) % self.classes).astype(np.int64)
        out = np.asarray(labels, dtype=np.int64).reshape(-1)
        if out.size == 1:
            out = np.full(int(n), int(out[0]), dtype=np.int64)
        if len(out) != n:
            raise TrainingError(f"{len(out)} class labels were given for {n} samples.", kind="data")
        if len(out) and (out.min() < 0 or out.max() >= self.classes):
            raise TrainingError(f"A class label must lie between 0 and {self.classes - 1} (the Class label's "
                                f"{self.classes} classes), not {int(out.min() if out.min() < 0 else out.max())}.",
                                kind="data")
        return out

    def _one_hot(self, y: Any) -> Any:
        import torch.nn.functional as F

        return F.one_hot(y, self.classes).float()

    def _gen_call(self, net: Any, z: Any, c: Any) -> Any:
        if c is None:
            return net(z)
        return net(c, z) if self._g_label_first else net(z, c)

    def _disc_call(self, net: Any, x: Any, c: Any) -> Any:
        if c is None:
            return net(x)
        return net(c, x) if self._d_label_first else net(x, c)

    def _random_classes(self, n: int) -> Any:
        import torch

        y = torch.randint(0, self.classes, (n,), generator=self._gen, device=self._gen.device)
        return self._one_hot(y.to(self._torch_device, non_blocking=True))

    def _labels_tensor(self, labels: np.ndarray | None) -> Any:
        import torch

        if labels is None:
            return None
        return self._one_hot(torch.from_numpy(labels).to(self._torch_device))

    # -- Step protocol -------------------------------------------------------------------------------------
    def prepare(self) -> Plan:
        import torch

        ds = self.dataset
        self._batch_size = max(1, int(self.config.batch_size))
        self._shuffle = bool(self.config.shuffle)
        if self.split is None:
            try:
                self.split = compute_split(ds, float(self.config.validation_split), int(self.config.seed))
            except Exception as exc:  # noqa: BLE001 - DataError and friends: one sentence for the student
                raise TrainingError(str(exc), kind="data") from exc
        if self._real is None:
            x = np.ascontiguousarray(ds.x, dtype=np.float32)
            if not np.isfinite(x).all():
                raise TrainingError(f"The data set '{ds.title}' contains missing (NaN) or infinite values; clean "
                                    "or fill them before training.", kind="data")
            rows = torch.from_numpy(np.array(self.split.train, dtype=np.int64))
            self._real = torch.from_numpy(x).index_select(0, rows).to(self._torch_device)
            if self.classes:
                y = torch.from_numpy(np.asarray(ds.y).astype(np.int64).reshape(-1))
                self._real_y = y.index_select(0, rows).to(self._torch_device)
            lo, hi = float(x.min()), float(x.max())
            act = getattr(self.generator, "output_activation", None)
            if act == "sigmoid" and (lo < -0.01 or hi > 1.01):
                self._notes.append(f"The generator ends in sigmoid (0..1) but the real data span {lo:.2g}..{hi:.2g}; "
                                   "it cannot reach them. Use tanh for -1..1 or no activation.")
        n = len(self._real)
        if n == 0:
            raise TrainingError(f"The data set '{ds.title}' leaves no samples for training.", kind="data")
        bs = min(self._batch_size, n)
        batches = max(1, n // bs)
        return Plan(num_train=n, num_val=self.split.num_val, batches_per_epoch=math.ceil(batches / self.d_steps),
                    notes=list(self._notes))

    def make_optimizers(self, epochs: int) -> None:
        from ..optim import make_optimizer, no_parameters_message

        for name, graph, model in (("generator", self.gen_graph, self.generator),
                                   ("discriminator", self.disc_graph, self.discriminator)):
            params = [p for p in model.parameters() if p.requires_grad]
            if not params:
                raise TrainingError(no_parameters_message(model, f"The {name} '{graph.name}'"), kind="model")
            oc = self.project.optimizer_of(graph)
            self.optimizers[name], self._schedulers[name] = make_optimizer(params, oc, self._torch_device.type,
                                                                           epochs)

    def has_optimizers(self) -> bool:
        return bool(self.optimizers)

    def drop_optimizers(self) -> None:
        self.optimizers = {}
        self._schedulers = {}

    def begin(self, seed: int, fresh: bool) -> None:
        import torch

        if fresh or self._gen is None:
            dev = self._torch_device if self._torch_device.type == "cuda" else torch.device("cpu")
            self._gen = torch.Generator(device=dev).manual_seed(int(seed))
        from ..devices import autocast_plan

        self._amp_dtype = autocast_plan(str(self._torch_device), bool(self.config.mixed_precision))[0]
        if self._amp_dtype is torch.float16:  # float16 gradients underflow without loss scaling (CUDA only)
            self._scalers = {name: torch.amp.GradScaler("cuda") for name in ("generator", "discriminator")}
        else:
            self._scalers = {}

    def lr(self, name: str | None = None) -> float:
        which = "discriminator" if name in ("loss_D", "D_x", "D_G_z", "discriminator") else "generator"
        opt = self.optimizers.get(which)
        if opt is None:
            graph = self.disc_graph if which == "discriminator" else self.gen_graph
            return float(self.project.optimizer_of(graph).lr)
        return float(opt.param_groups[0]["lr"])

    def optimizer_name(self, name: str | None = None) -> str:
        graph = self.disc_graph if name in ("loss_D", "D_x", "D_G_z") else self.gen_graph
        return str(self.project.optimizer_of(graph).name).lower()

    def end_epoch(self) -> None:
        for sched in self._schedulers.values():
            if sched is not None:
                sched.step()

    def epoch_hints(self, history: list[dict[str, float]]) -> list[str]:
        from ..gan_metrics import gan_hints

        return gan_hints(history, len(self._modes) if self._modes is not None else None)

    def test_logs(self) -> dict[str, float] | None:
        return None

    def state_module(self) -> Any:
        return self._pair

    def layer_names(self) -> dict[str, str]:
        return {"generator": f"generator '{self.gen_graph.name}'",
                "discriminator": f"discriminator '{self.disc_graph.name}'"}

    # -- the updates ---------------------------------------------------------------------------------------
    def _d_loss(self, out_real: Any, out_fake: Any) -> Any:
        import torch.nn.functional as F

        if self.least_squares:
            return 0.5 * ((out_real - self.real_target) ** 2).mean() + 0.5 * (out_fake ** 2).mean()
        if self._d_kind == "logits":
            real = F.binary_cross_entropy_with_logits(out_real, out_real.new_full(out_real.shape, self.real_target))
            return real + F.binary_cross_entropy_with_logits(out_fake, out_fake.new_zeros(out_fake.shape))
        eps = 1e-7
        real = F.binary_cross_entropy(out_real.clamp(eps, 1 - eps), out_real.new_full(out_real.shape, self.real_target))
        return real + F.binary_cross_entropy(out_fake.clamp(eps, 1 - eps), out_fake.new_zeros(out_fake.shape))

    def _g_loss(self, out_fake: Any) -> Any:
        import torch.nn.functional as F

        if self.least_squares:
            return 0.5 * ((out_fake - 1.0) ** 2).mean()
        if self._d_kind == "logits":
            return F.binary_cross_entropy_with_logits(out_fake, out_fake.new_ones(out_fake.shape))
        eps = 1e-7
        return F.binary_cross_entropy(out_fake.clamp(eps, 1 - eps), out_fake.new_ones(out_fake.shape))

    def _score(self, out: Any) -> Any:
        """D's output as the number the curves show: a probability for the BCE losses, the raw score for LS."""
        if self.least_squares or self._d_kind != "logits":
            return out
        import torch

        return torch.sigmoid(out)

    def _d_update(self, real: Any, c: Any = None) -> tuple[Any, Any, Any, Any]:
        """One discriminator step; (loss, D(x) mean, D(G(z)) mean, the fake batch) as device tensors. ``c``: the
        real rows' classes, one-hot (conditional GANs); the fake batch is made of the same classes."""
        self.optimizers["discriminator"].zero_grad(set_to_none=True)
        with self._autocast():
            fake = self._gen_call(self._g_view, self._noise(len(real)), c)
            out_real = self._disc_call(self._d_view, real, c).float()  # losses and scores in float32 under AMP
            out_fake = self._disc_call(self._d_view, fake.detach(), c).float()
            loss = self._d_loss(out_real, out_fake)
        self._backward("discriminator", loss)
        self._optimizer_step("discriminator")
        out_real, out_fake = out_real.detach(), out_fake.detach()
        return loss.detach(), self._score(out_real).mean(), self._score(out_fake).mean(), fake

    def _g_update(self, fake: Any | None, n: int, c: Any = None) -> Any:
        """One generator step (reusing the discriminator step's fake batch when given, as the DCGAN tutorial;
        ``c`` is its classes, one-hot; without a batch, a conditional GAN draws classes at random)."""
        self.optimizers["generator"].zero_grad(set_to_none=True)
        d_params = self._d_params
        for p in d_params:
            p.requires_grad_(False)  # D's weight gradients are not needed for G's step
        try:
            with self._autocast():
                if fake is None:
                    if self.classes and c is None:
                        c = self._random_classes(n)
                    fake = self._gen_call(self._g_view, self._noise(n), c)
                loss = self._g_loss(self._disc_call(self._d_view, fake, c).float())
            self._backward("generator", loss)
        finally:
            for p in d_params:
                p.requires_grad_(True)
        self._optimizer_step("generator")
        return loss.detach()

    @property
    def _d_params(self) -> list[Any]:
        params = getattr(self, "_d_param_list", None)
        if params is None:
            params = [p for p in self.discriminator.parameters() if p.requires_grad]
            self._d_param_list = params
        return params

    def _iteration(self, batches: list[Any], labels: list[Any] | None = None) -> Any:
        """``d_steps`` D updates (one per real batch, with its classes' rows of ``labels`` in a conditional GAN)
        then one G update; a (4,) row of _NAMES on the device."""
        import torch

        fake = None
        cs = [self._one_hot(y) for y in labels] if labels is not None else [None] * len(batches)
        if len(batches) == 1:
            loss_d, d_x, d_gz, fake = self._d_update(batches[0], cs[0])
        else:
            parts = [self._d_update(real, c)[:3] for real, c in zip(batches, cs, strict=True)]
            loss_d, d_x, d_gz = (torch.stack(col).mean() for col in zip(*parts, strict=True))
        loss_g = self._g_update(fake if self.d_steps == 1 else None, len(batches[-1]), cs[-1])
        return torch.stack([loss_d, d_x, d_gz, loss_g])

    def run_epoch(self, epoch: int, ctx: Any) -> dict[str, float]:
        import torch

        real = self._real
        n = len(real)
        bs = min(self._batch_size, n)
        n_batches = max(1, n // bs)
        iterations = math.ceil(n_batches / self.d_steps)
        if self._shuffle:
            perm = torch.randperm(n, generator=self._gen, device=self._gen.device).to(real.device)
            if self._shuffled is None or len(self._shuffled) != n:
                self._shuffled = real.new_empty(real.shape)
            xs = torch.index_select(real, 0, perm, out=self._shuffled)
            ys = self._real_y.index_select(0, perm) if self.classes else None
        else:  # in order every epoch; the last partial batch is left out, as it is when shuffling
            xs = real
            ys = self._real_y if self.classes else None
        self.generator.train()
        self.discriminator.train()
        self._g_view.train()
        self._d_view.train()
        ctx.mark_epoch_start()
        pending: list[Any] = []
        flushed = 0
        total = torch.zeros(4, dtype=torch.float64)
        due = ctx.due
        k = self.d_steps
        it = 0
        try:
            for it in range(iterations):
                starts = [(j % n_batches) * bs for j in range(it * k, it * k + k)]
                batches = [xs[a:a + bs] for a in starts]
                pending.append(self._iteration(batches, None if ys is None else [ys[a:a + bs] for a in starts]))
                if it == iterations - 1 or due():
                    stacked = torch.stack(pending)
                    ctx.check_finite(stacked, flushed + 1, _NAMES)
                    sums = stacked.cpu().double().sum(dim=0)  # on the CPU: MPS has no float64
                    total += sums
                    count = len(pending)
                    flushed = it + 1
                    pending.clear()
                    means = (sums / count).tolist()
                    running = dict(zip(_NAMES, (total / flushed).tolist(), strict=True))
                    ctx.report(it + 1, iterations, {"loss_D": means[0], "loss_G": means[3]},
                               {"D_x": means[1], "D_G_z": means[2]}, running, count * bs * k)
        except (StopRequested, NonFinite):
            raise
        except Exception as exc:
            raise BatchFault(epoch, it + 1) from exc
        logs = dict(zip(_NAMES, (total / max(1, flushed)).tolist(), strict=True))
        logs = {"loss_D": logs["loss_D"], "loss_G": logs["loss_G"], "D_x": logs["D_x"], "D_G_z": logs["D_G_z"]}
        logs.update(self.quality())
        return logs

    def manual_step(self, which: str) -> dict[str, float]:
        """One update by hand: "D" (one discriminator step), "G" (one generator step) or "both" (one iteration)."""
        import torch

        real = self._real
        bs = min(self._batch_size, len(real))
        rows = torch.randint(0, len(real), (bs,), generator=self._gen, device=self._gen.device).to(real.device)
        batch = real.index_select(0, rows)
        y = self._real_y.index_select(0, rows) if self.classes else None
        self.generator.train()
        self.discriminator.train()
        if which == "D":
            loss, d_x, d_gz, _fake = self._d_update(batch, None if y is None else self._one_hot(y))
            return {"loss_D": float(loss), "D_x": float(d_x), "D_G_z": float(d_gz)}
        if which == "G":
            return {"loss_G": float(self._g_update(None, bs, None if y is None else self._one_hot(y)))}
        row = self._iteration([batch] * self.d_steps, None if y is None else [y] * self.d_steps).tolist()
        return dict(zip(_NAMES, row, strict=True))

    # -- quality -----------------------------------------------------------------------------------------
    def quality(self) -> dict[str, float]:
        """modes / high_quality on a fixed noise batch, for data sets that declare their modes; else {}."""
        if self._modes is None or self._mode_std <= 0:
            return {}
        from ..gan_metrics import mode_coverage

        covered, hq = mode_coverage(self.generate(self._eval_noise), self._modes, self._mode_std)
        return {"modes": float(covered), "high_quality": hq}

    # -- probes (views, generate, CLI) -----------------------------------------------------------------------
    def _eval_call(self, fn: Callable[[], Any]) -> Any:
        modes = (self.generator.training, self.discriminator.training)
        self.generator.eval()
        self.discriminator.eval()
        try:
            return fn()
        finally:
            self.generator.train(modes[0])
            self.discriminator.train(modes[1])

    def generate(self, noise: np.ndarray | None = None, labels: Any = None) -> np.ndarray:
        """Generated samples (float32, (N, *sample shape)) for ``noise`` (default: ``fixed_noise``); a conditional
        GAN draws them in the classes ``labels`` (see ``labels_for``: by default sample i is of class i mod
        classes, which for ``fixed_noise`` puts one class in each column of its grid)."""
        import torch

        z = self.fixed_noise if noise is None else np.asarray(noise, dtype=np.float32)
        if z.ndim != 2 or z.shape[1] != self.latent:
            raise TrainingError(f"The noise must be shaped N×{self.latent} (the Noise layer's latent size), "
                                f"not {'×'.join(map(str, z.shape))}.", kind="data")
        ys = self.labels_for(len(z), labels)

        def run() -> np.ndarray:
            with torch.no_grad():
                out = [self._gen_call(self.generator, torch.from_numpy(z[s:s + 4096]).to(self._torch_device),
                                      None if ys is None else self._labels_tensor(ys[s:s + 4096]))
                       for s in range(0, len(z), 4096)]
            return torch.cat(out).float().cpu().numpy() if out else np.zeros((0, *self.sample_shape), np.float32)

        return self._eval_call(run)

    def predict(self, x: np.ndarray) -> np.ndarray:
        return self.generate(x)

    def predict_nodes(self, nodes: Any = None) -> np.ndarray:
        raise TrainingError("predict_nodes is for graph networks.", kind="data")

    def _points(self, points: np.ndarray) -> Any:
        import torch

        x = np.ascontiguousarray(points, dtype=np.float32)
        if x.shape[1:] != self.sample_shape:
            x = x.reshape((-1, *self.sample_shape))
        return torch.from_numpy(x).to(self._torch_device)

    def discriminate(self, points: np.ndarray, labels: Any = None) -> np.ndarray:
        """D's verdict per sample, shape (N,): the probability of 'real' (BCE losses) or the raw score (LS); a
        conditional GAN's D judges each sample as one of the classes ``labels`` (see ``labels_for``)."""
        import torch

        ys = self.labels_for(len(points), labels)

        def run() -> np.ndarray:
            with torch.no_grad():
                out = self._score(self._disc_call(self._d_view, self._points(points), self._labels_tensor(ys)))
            return out.reshape(len(out), -1)[:, 0].float().cpu().numpy()

        return self._eval_call(run)

    def generator_gradient(self, points: np.ndarray, labels: Any = None) -> np.ndarray:
        """-dL_G/dx at each sample x: the direction the generator's loss pushes a generated point (GAN Lab's
        arrows), shape like ``points``. Per-sample losses are summed so each arrow is that sample's own."""
        import torch

        ys = self.labels_for(len(points), labels)

        def run() -> np.ndarray:
            with torch.enable_grad():
                x = self._points(points).requires_grad_(True)
                out = self._disc_call(self._d_view, x, self._labels_tensor(ys))
                loss = self._g_loss(out) * len(x)  # mean -> sum: each sample's own gradient
                (grad,) = torch.autograd.grad(loss, x)
            return (-grad).float().cpu().numpy().reshape(np.shape(points))

        return self._eval_call(run)

    def real_samples(self, n: int) -> np.ndarray:
        """The first ``n`` real training samples (the same ones every call), as float32 numpy."""
        self.prepare()
        return self._real[: int(n)].float().cpu().numpy()

    def evaluate(self, split: str = "train") -> dict[str, float]:
        """loss_D, loss_G, D_x, D_G_z on real rows of ``split`` ("train" or "val") and as many fresh noise
        vectors, without updating anything."""
        import torch

        self.prepare()
        assert self.split is not None
        key = {"validation": "val", "training": "train"}.get(split, split)
        if key not in ("train", "val"):
            raise TrainingError(f"A GAN is evaluated on 'train' or 'val', not '{split}'.", kind="data")
        rows = self.split.train if key == "train" else self.split.val
        if len(rows) == 0:
            raise TrainingError("There is no validation data (the validation split is 0).", kind="data")
        x = self._points(np.asarray(self.dataset.x)[rows[:4096]])
        z = torch.from_numpy(self.sample_noise(len(x), int(self.config.seed) + 3)).to(self._torch_device)
        c = self._labels_tensor(np.asarray(self.dataset.y).astype(np.int64).reshape(-1)[rows[:4096]]
                                if self.classes else None)

        def run() -> dict[str, float]:
            with torch.no_grad():
                out_real = self._disc_call(self._d_view, x, c)
                out_fake = self._disc_call(self._d_view, self._gen_call(self._g_view, z, c), c)
                return {"loss_D": float(self._d_loss(out_real, out_fake)), "loss_G": float(self._g_loss(out_fake)),
                        "D_x": float(self._score(out_real).mean()), "D_G_z": float(self._score(out_fake).mean())}

        return self._eval_call(run)

    def snapshot(self, epoch: int, batch: int) -> Snapshot:
        import torch

        from ..snapshot import take_snapshot

        z = torch.from_numpy(self.fixed_noise).to(self._torch_device)
        c = self._labels_tensor(self.labels_for(len(self.fixed_noise)))
        return take_snapshot(self.generator, lambda: self._gen_call(self.generator, z, c), epoch, batch)
