"""DuckDB plumbing: the one connection factory and running the dbt project against the warehouse."""
from .connection import connect

__all__ = ["connect"]
