"""The records: the contract between `kg extract` and `kg build` (see docs/records.md)."""
