"""Writing a computed table into a schema of the warehouse: one statement from an Arrow table
(DuckDB reads the registered Arrow data in bulk, no per-row loop), replacing the table in one
transaction so that a reader never sees it half written."""
from __future__ import annotations

import pyarrow as pa


def write_table(con, schema: str, name: str, table: pa.Table) -> int:
    """Create or replace schema.name with table's rows and types (an empty table keeps its
    columns); the rows written."""
    view = f"_chaxin_{schema}_{name}"
    con.register(view, table)
    try:
        con.execute("begin transaction")
        con.execute(f"create schema if not exists {schema}")
        con.execute(f"create or replace table {schema}.{name} as select * from {view}")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    finally:
        con.unregister(view)
    return table.num_rows

