"""Python identifiers and display text for generated code, derived only from sanitised names.

A node's label is whatever a student (or a file from someone else) typed, so it never reaches the
generated source as such: identifiers keep ASCII letters, digits and underscores only, and the few
places that show a name as text (docstrings, comments) keep a conservative set of characters with
no quotes, backslashes or line breaks. Whatever a label contains, the exported file stays valid
Python that does only what the network does.
"""

from __future__ import annotations

import builtins
import keyword
import re
import unicodedata

MAX_IDENTIFIER = 40

# Attributes and methods of torch.nn.Module (checked against torch by a test): a submodule called
# "train" or "parameters" would shadow them, so such names get a trailing underscore.
MODULE_ATTRIBUTES = frozenset({
    "T_destination", "add_module", "apply", "bfloat16", "buffers", "call_super_init", "children", "compile",
    "cpu", "cuda", "double", "dump_patches", "eval", "extra_repr", "float", "forward", "get_buffer",
    "get_extra_state", "get_parameter", "get_submodule", "half", "ipu", "load_state_dict", "modules", "mtia",
    "named_buffers", "named_children", "named_modules", "named_parameters", "parameters",
    "register_backward_hook", "register_buffer", "register_forward_hook", "register_forward_pre_hook",
    "register_full_backward_hook", "register_full_backward_pre_hook", "register_load_state_dict_post_hook",
    "register_load_state_dict_pre_hook", "register_module", "register_parameter", "register_state_dict_post_hook",
    "register_state_dict_pre_hook", "requires_grad_", "set_extra_state", "set_submodule", "share_memory",
    "smart_apply", "state_dict", "to", "to_empty", "train", "training", "type", "xpu", "zero_grad",
})

# Names the generated files use themselves (modules, helpers, forward's own variables).
GENERATED_NAMES = frozenset({
    "self", "torch", "nn", "F", "np", "math", "os", "sys", "json", "time", "argparse", "Path", "x", "inputs",
    "adjacency", "logits", "step", "model", "load_file", "save_file", "main",
})

RESERVED = frozenset(MODULE_ATTRIBUTES | GENERATED_NAMES | set(dir(builtins)) | set(keyword.kwlist)
                     | set(keyword.softkwlist))

_SAFE_TEXT = re.compile(r"[^A-Za-z0-9 _.,:;()+\-×→/]")


def snake(text: str, fallback: str) -> str:
    """``text`` as a lower-case ASCII identifier stem (``Hidden layer 1`` -> ``hidden_layer_1``)."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")  # ü -> u
    stem = re.sub(r"[^0-9A-Za-z]+", "_", text).strip("_").lower()
    stem = re.sub(r"_+", "_", stem)[:MAX_IDENTIFIER].rstrip("_")
    if not stem:
        stem = re.sub(r"[^0-9A-Za-z]+", "_", fallback).strip("_").lower() or "layer"
    if stem[0].isdigit():
        stem = "layer_" + stem
    return stem


def camel(text: str, fallback: str = "Model") -> str:
    """``text`` as an ASCII class name (``fashion mnist mlp`` -> ``FashionMnistMlp``)."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    parts = [p for p in re.split(r"[^0-9A-Za-z]+", text) if p]
    name = "".join(p[:1].upper() + p[1:] for p in parts)[:MAX_IDENTIFIER]
    if not name:
        return fallback
    if name[0].isdigit():
        name = fallback + name
    if keyword.iskeyword(name) or name in RESERVED:
        name += fallback
    return name


class Namer:
    """Hands out distinct identifiers: reserved words get a trailing underscore, repeats get _2, _3."""

    def __init__(self, taken: set[str] | None = None) -> None:
        self.used: set[str] = set(taken or ())

    def take(self, text: str, fallback: str = "layer") -> str:
        base = snake(text, fallback)
        if base in RESERVED:
            base += "_"
        name, i = base, 2
        while name in self.used or name in RESERVED:
            name, i = f"{base}_{i}", i + 1
        self.used.add(name)
        return name

    def reserve(self, name: str) -> None:
        self.used.add(name)


def safe_text(text: str, limit: int = 80) -> str:
    """A name for a docstring or comment: no quotes, backslashes or line breaks can survive."""
    cleaned = _SAFE_TEXT.sub(" ", str(text))
    cleaned = re.sub(r"\s+", " ", cleaned).strip()
    return cleaned[:limit].strip() or "untitled"
