"""DuckDB plumbing: the one connection factory, the raw schema, running dbt."""
from .connection import connect
from .schemas import ensure_raw_schema

__all__ = ["connect", "ensure_raw_schema"]
