"""enrichment.text_keywords: the keywords of texts (commission titles, a profile's core technology
and products; intermediate.int_texts_collected), for the R&D directions (SPEC §5, 研发方向). Each
distinct text is segmented once: re-exports repeat titles, and the warehouse joins the keywords
back to commissions and profiles by the text itself."""
from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field

import duckdb
import pyarrow as pa

from .segmentation import is_keyword, segmenter_for, station_terms

SCHEMA = pa.schema([("text", pa.string()), ("keyword", pa.string()), ("position", pa.int32())])


@dataclass
class TextKeywords:
    keywords: pa.Table
    n_texts: int
    seconds: float
    notes: list[str] = field(default_factory=list)

    @property
    def tables(self) -> dict[str, pa.Table]:
        return {"text_keywords": self.keywords}


def compute(con: duckdb.DuckDBPyConnection) -> TextKeywords:
    started = time.perf_counter()
    texts = [text for text, in con.execute("select text from intermediate.int_texts_collected").fetchall()]
    terms, stop_words = station_terms(con)
    return TextKeywords(text_keywords(texts, terms, stop_words), len(texts), time.perf_counter() - started)


def describe(result: TextKeywords) -> dict[str, int | float]:
    keywords = result.keywords.column("keyword")
    return {"distinct texts segmented": result.n_texts, "keyword rows": result.keywords.num_rows,
            "distinct keywords": len(set(keywords.to_pylist())), "seconds": round(result.seconds, 2)}


def text_keywords(texts: Iterable[str | None], terms: Iterable[str] = (),
                  stop_words: Iterable[str] = ()) -> pa.Table:
    """One row per distinct text and keyword (its first position in the text): an empty text, or
    one in English only, has none."""
    segmenter, stop = segmenter_for(tuple(terms)), set(stop_words)
    text_col, keyword_col, position_col = [], [], []
    for text in sorted({t for t in texts if t and t.strip()}):
        seen = set()
        for word in segmenter.words(text):
            if is_keyword(word, stop) and word not in seen:
                seen.add(word)
                text_col.append(text)
                keyword_col.append(word)
                position_col.append(len(seen))
    return pa.table({"text": text_col, "keyword": keyword_col, "position": position_col}, schema=SCHEMA)
