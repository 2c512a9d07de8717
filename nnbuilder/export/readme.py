"""The README.md written into an exported folder: what each file is and how to run it."""

from __future__ import annotations

from ..project.model import Project
from .data import DataPlan
from .names import safe_text
from .pytorch import ModelSource


def readme_text(project: Project, source: ModelSource, data: DataPlan, ddp: bool, has_weights: bool) -> str:
    title = safe_text(project.name)
    lines = [
        f"# {title}",
        "",
        "Exported from nnbuilder. Needs Python 3.10+, torch 2.4+, numpy and safetensors; nothing else.",
        "",
        f"- `model.py`: the network as one `nn.Module` class, `{source.class_name}`.",
        f"- `train.py`: trains it on `data.npz` ({safe_text(data.title)}) with the project's settings; "
        "`python train.py --help` lists the options.",
        "- `data.npz`: the data set as nnbuilder prepared it.",
    ]
    if has_weights:
        lines.append("- `weights.safetensors`: trained weights; `python model.py` loads them and runs a test batch.")
    if ddp:
        lines.append("- `train_ddp.py`: the same training on several processes with DistributedDataParallel.")
    lines += ["", "## Train", "", "    python train.py", "    python train.py --epochs 20 --device cuda", ""]
    if ddp:
        lines += [
            "## Train on several GPUs or machines",
            "",
            "One machine, 4 GPUs (or 4 CPU processes; gloo is used without CUDA):",
            "",
            "    torchrun --standalone --nproc_per_node=4 train_ddp.py",
            "",
            "Two machines with 4 GPUs each: start the same command on both, pointing at one of them as the",
            "rendezvous host (any free port, reachable from the other machine):",
            "",
            "    torchrun --nnodes=2 --nproc_per_node=4 --rdzv_id=run1 --rdzv_backend=c10d \\",
            "             --rdzv_endpoint=HOST:29400 train_ddp.py",
            "",
            "`--batch-size` is per process, so the effective batch is batch size × processes. Rank 0 logs and",
            "writes `checkpoints/last.pt` after every epoch; `--resume checkpoints/last.pt` continues from it.",
            "",
        ]
    return "\n".join(lines)
