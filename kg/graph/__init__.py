"""Mapping records to RDF: one module per record kind, all writing into a `Sink` (see common.py)."""
