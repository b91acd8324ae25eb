"""A dbt-duckdb plugin: gives dbt's connection the same SQL functions as warehouse.connect()."""
from dbt.adapters.duckdb.plugins import BasePlugin

from .connection import register_functions


class Plugin(BasePlugin):
    def configure_connection(self, conn):
        register_functions(conn)
