"""From a drawn graph to shapes, problems, a summary and a runnable torch module."""

from .build import CompileError, build_module, module_names
from .infer import ERROR, INFO, WARNING, Inference, NodeInfo, Problem, infer
from .summary import Summary, SummaryRow, summarize_graph, summary_from_inference

__all__ = [
    "ERROR", "INFO", "WARNING", "CompileError", "Inference", "NodeInfo", "Problem", "Summary", "SummaryRow",
    "build_module", "infer", "module_names", "summarize_graph", "summary_from_inference",
]
