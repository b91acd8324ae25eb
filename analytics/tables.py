"""The enrichment tables, computed from the intermediate models of a warehouse connection: what the
enrichment assets write into the schema `enrichment` for dbt's second stage to read."""
from __future__ import annotations

import duckdb
import pyarrow as pa

from .keywords import text_keywords
from .name_similarity import similar_name_pairs
from .segmentation import Segmenter


def station_terms(con: duckdb.DuckDBPyConnection) -> tuple[list[str], list[str]]:
    """The seed station_terms: the domain terms jieba keeps whole, and the stop words."""
    rows = con.execute("select term, kind from seeds.station_terms where term is not null").fetchall()
    return [t for t, kind in rows if kind == "domain"], [t for t, kind in rows if kind == "stop"]


def organisation_name_pairs(con: duckdb.DuckDBPyConnection) -> pa.Table:
    """Near-identical match names among every organisation seen (int_organisations_resolved)."""
    names = [name for name, in con.execute("select match_name from intermediate.int_organisations_resolved").fetchall()]
    terms, _ = station_terms(con)
    return similar_name_pairs(names, Segmenter(terms))


def text_keywords_table(con: duckdb.DuckDBPyConnection) -> pa.Table:
    """The keywords of every distinct title and core technology or product (int_texts_collected)."""
    texts = [text for text, in con.execute("select text from intermediate.int_texts_collected").fetchall()]
    terms, stop_words = station_terms(con)
    return text_keywords(texts, terms, stop_words)
