"""The engine: graphs, the primitives table and the passes. Imports numpy only."""

from .build import ParseError, TracingError, from_function, from_text
from .graph import Edge, Graph, GraphError, Node, toposort
from .passes import (
    Contribution,
    DomainError,
    InputError,
    Path,
    Paths,
    Run,
    Step,
    TangentRun,
    count_paths,
    evaluate,
)
from .primitives import FUNCTIONS, PRIMITIVES, Primitive, UnknownPrimitive, primitive

__all__ = ["Graph", "Node", "Edge", "GraphError", "toposort", "ParseError", "TracingError",
           "from_text", "from_function", "Run", "TangentRun", "Step", "Contribution", "Path",
           "Paths", "DomainError", "InputError", "evaluate", "count_paths", "PRIMITIVES",
           "FUNCTIONS", "Primitive", "UnknownPrimitive", "primitive"]
