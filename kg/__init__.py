"""kg: turn regional action programmes into validated, queryable linked data."""

__version__ = "0.1.0"
