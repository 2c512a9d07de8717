"""Writes nnbuilder/project/schema.json from the layer catalog and the loader's choices.

Run after adding a layer type or a training option; tests/core/test_schema.py checks it is current.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nnbuilder.layers import all_specs  # noqa: E402
from nnbuilder.project.format_v2 import GAN_LOSSES  # noqa: E402
from nnbuilder.project.io import LOSSES, METRICS, OPTIMIZERS, SCHEDULES  # noqa: E402


def build() -> dict:
    types = sorted({s.type for s in all_specs()})
    num = {"type": "number"}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://nnbuilder.invalid/schema/project-v3.json",
        "title": "nnbuilder project (.nnb), format version 3",
        "description": "Structure of an nnbuilder project file. Layer parameters are checked against the layer "
        "catalog when the file is opened; this schema checks the structure around them. Layer types may also "
        "be written by their aliases (e.g. Linear for Dense).",
        "type": "object",
        "required": ["format", "version", "graphs"],
        "additionalProperties": False,
        "properties": {
            "format": {"const": "nnbuilder-project"},
            "version": {"type": "integer", "minimum": 1},
            "name": {"type": "string"},
            "notes": {"type": "string"},
            "graphs": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/graph"}},
            "data": {"type": "object", "additionalProperties": False,
                     "properties": {"dataset": {"type": "string", "minLength": 1}, "options": {"type": "object"}}},
            "training": {"$ref": "#/$defs/training"},
        },
        "$defs": {
            "graph": {"type": "object", "additionalProperties": False, "properties": {
                "name": {"type": "string", "minLength": 1},
                "role": {"enum": ["model", "generator", "discriminator"]},
                "optimizer": {"$ref": "#/$defs/optimizer"},
                "nodes": {"type": "array", "items": {"$ref": "#/$defs/node"}},
                "edges": {"type": "array", "items": {"$ref": "#/$defs/edge"}}}},
            "node": {"type": "object", "required": ["id", "type"], "additionalProperties": False, "properties": {
                "id": {"type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_\\-]*$"},
                "type": {"type": "string", "minLength": 1, "examples": types},
                "label": {"type": "string"},
                "params": {"type": "object"},
                "position": {"type": "array", "items": num, "minItems": 2, "maxItems": 2},
                "trainable": {"type": "boolean"}}},
            "edge": {"type": "object", "required": ["source", "target"], "additionalProperties": False,
                     "properties": {"source": {"type": "string"}, "source_port": {"type": "string"},
                                    "target": {"type": "string"}, "target_port": {"type": "string"}}},
            "training": {"type": "object", "additionalProperties": False, "properties": {
                "loss": {"enum": list(LOSSES)},
                "optimizer": {"$ref": "#/$defs/optimizer"},
                "epochs": {"type": "integer", "minimum": 1, "maximum": 100000},
                "batch_size": {"type": "integer", "minimum": 1},
                "shuffle": {"type": "boolean"},
                "metrics": {"type": "array", "items": {"enum": list(METRICS)}},
                "validation_split": {"type": "number", "minimum": 0, "maximum": 0.9},
                "early_stopping": {"type": "object", "additionalProperties": False, "properties": {
                    "enabled": {"type": "boolean"}, "monitor": {"type": "string"},
                    "patience": {"type": "integer", "minimum": 0}, "min_delta": {"type": "number", "minimum": 0},
                    "restore_best": {"type": "boolean"}}},
                "seed": {"type": "integer", "minimum": 0},
                "device": {"type": "string", "pattern": "^(auto|cpu|mps|cuda(:[0-9]+)?)$"},
                "mixed_precision": {"type": "boolean"},
                "gan": {"type": "object", "additionalProperties": False, "properties": {
                    "d_steps": {"type": "integer", "minimum": 1, "maximum": 100},
                    "loss": {"enum": list(GAN_LOSSES)},
                    "label_smoothing": {"type": "number", "minimum": 0, "maximum": 0.5}}}}},
            "optimizer": {"type": "object", "additionalProperties": False, "properties": {
                "name": {"enum": list(OPTIMIZERS)},
                "lr": {"type": "number", "exclusiveMinimum": 0, "maximum": 100},
                "momentum": {"type": "number", "minimum": 0, "maximum": 1},
                "nesterov": {"type": "boolean"},
                "weight_decay": {"type": "number", "minimum": 0, "maximum": 10},
                "schedule": {"enum": list(SCHEDULES)},
                "step_size": {"type": "integer", "minimum": 1},
                "gamma": {"type": "number", "exclusiveMinimum": 0, "maximum": 1},
                "beta1": {"type": "number", "minimum": 0, "exclusiveMaximum": 1},
                "beta2": {"type": "number", "minimum": 0, "exclusiveMaximum": 1}}},
        },
    }


def main() -> None:
    out = ROOT / "nnbuilder" / "project" / "schema.json"
    out.write_text(json.dumps(build(), indent=2) + "\n")
    print("wrote", out)


if __name__ == "__main__":
    main()
