"""SHACL validation plumbing: faithful loading (loader), the engine (turbo), shapes files and the
vocabulary check (shapes), results and the sh:ValidationReport (report). Entry point: kg.validate."""

from .loader import DataParseError, files_ntriples
from .report import Result, report_graph, results_from_graph
from .shapes import ShapeFeatureError, check_vocabulary, load_shapes_graph, shape_files
from .turbo import EngineError

__all__ = ["DataParseError", "files_ntriples", "Result", "report_graph", "results_from_graph",
           "ShapeFeatureError", "check_vocabulary", "load_shapes_graph", "shape_files", "EngineError"]
