"""Fast SHACL validation: shapes compiled to SPARQL over an in-memory pyoxigraph store.

pySHACL remains the reference (``kg validate --engine pyshacl``); tests compare the two.
"""

from .engine import Engine, validate_store
from .loader import DataParseError, load_files
from .report import Result, report_graph, results_from_graph
from .shapes import ShapeFeatureError, ShapesGraph, load_shapes_graph

__all__ = ["Engine", "validate_store", "DataParseError", "load_files", "Result", "report_graph",
           "results_from_graph", "ShapeFeatureError", "ShapesGraph", "load_shapes_graph"]
