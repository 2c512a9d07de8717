"""The canvas: a QGraphicsScene mirroring the document's current graph, and its view."""

from .items import EdgeItem, NodeItem, PortItem
from .scene import NodeScene
from .view import CanvasView

__all__ = ["CanvasView", "EdgeItem", "NodeItem", "NodeScene", "PortItem"]
