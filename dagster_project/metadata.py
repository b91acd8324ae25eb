"""The one helper that gives every asset what the UI shows a person: row count and a preview."""
from __future__ import annotations

from dagster import MetadataValue

PREVIEW_ROWS = 5


def markdown_table(columns: list[str], rows: list[tuple]) -> str:
    def cell(value) -> str:
        return "" if value is None else str(value).replace("|", "\\|").replace("\n", " ")[:60]

    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def query_markdown(con, sql: str, params: list | None = None) -> MetadataValue:
    cursor = con.execute(sql, params or [])
    columns = [d[0] for d in cursor.description]
    return MetadataValue.md(markdown_table(columns, cursor.fetchall()))


def relation_metadata(con, relation: str, where: str = "") -> dict:
    """dagster/row_count and the first rows of a warehouse relation (schema.name)."""
    n_rows = con.execute(f"select count(*) from {relation} {where}").fetchall()[0][0]
    return {
        "dagster/row_count": MetadataValue.int(n_rows),
        "preview": query_markdown(con, f"select * from {relation} {where} limit {PREVIEW_ROWS}"),
        "relation": MetadataValue.text(relation),
    }
