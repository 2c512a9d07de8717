"""The layer catalog: every layer type declared once and looked up by id or alias."""

from __future__ import annotations

from . import activations, conv, core, graph, merge, recurrent
from .spec import GRAPH, LayerSpec, ParamSpec, PortSpec, Shape, ShapeError, fmt_shape

CATEGORIES = ("Core", "Activations", "Convolution", "Recurrent", "Graph", "Merge")

_REGISTRY: dict[str, LayerSpec] = {}
_ALIASES: dict[str, str] = {}


def register(spec: LayerSpec) -> None:
    if spec.type in _REGISTRY:
        raise ValueError(f"layer type {spec.type} registered twice")
    _REGISTRY[spec.type] = spec
    for name in (spec.type, spec.title, *spec.aliases):
        _ALIASES.setdefault(name.lower(), spec.type)


for _family in (core, activations, conv, recurrent, graph, merge):
    for _spec in _family.SPECS:
        register(_spec)


def get_spec(type_or_alias: str) -> LayerSpec:
    """The spec for a type id, title or alias (case-insensitive); KeyError when unknown."""
    spec = _REGISTRY.get(type_or_alias)
    if spec is not None:
        return spec
    return _REGISTRY[_ALIASES[type_or_alias.lower()]]


def resolve_type(type_or_alias: str) -> str | None:
    try:
        return get_spec(type_or_alias).type
    except KeyError:
        return None


def all_specs() -> list[LayerSpec]:
    return list(_REGISTRY.values())


def search(text: str) -> list[LayerSpec]:
    """Specs whose title, id or alias contains the text, best matches first (palette search)."""
    q = text.strip().lower()
    if not q:
        return all_specs()
    scored = []
    for spec in _REGISTRY.values():
        names = [spec.title.lower(), spec.type.lower(), *(a.lower() for a in spec.aliases)]
        if any(n == q for n in names):
            scored.append((0, spec.title, spec))
        elif any(n.startswith(q) for n in names):
            scored.append((1, spec.title, spec))
        elif any(q in n for n in names) or q in spec.doc.lower():
            scored.append((2, spec.title, spec))
    return [s for _, _, s in sorted(scored, key=lambda t: (t[0], t[1]))]


__all__ = [
    "CATEGORIES", "GRAPH", "LayerSpec", "ParamSpec", "PortSpec", "Shape", "ShapeError",
    "all_specs", "fmt_shape", "get_spec", "register", "resolve_type", "search",
]
