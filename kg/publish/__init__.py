"""Releases (`kg publish`), dataset metadata (DCAT, VoID), changelog/diff and push to SPARQL stores.

One module per job: release (orchestration, atomic), dumps, tables, validation, dcat, void, checksums,
diff, site, push. The release layout and the DCAT-AP(-NO) choices are described in the repository's
README ("Releases, changelog and pushing to a triple store").
"""
