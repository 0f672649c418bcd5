"""Releases (`kg publish`), dataset metadata (DCAT, VoID), changelog/diff and push to SPARQL stores.

One module per job: release (orchestration, atomic), dumps, tables, docs, validation, dcat, void,
checksums, diff, site, push. See README.md in this folder.
"""
