"""enrichment.organisation_name_pairs: near-identical organisation match names (SPEC §5 duplicate
candidates), by rapidfuzz, from intermediate.int_organisations_resolved (every name seen, before
the alias seed).

Comparing every name with every other is O(n²): ~300 k names at 1 M commissions would be 4.5·10¹⁰
pairs. Names are blocked first: two names are compared only when they share a character bigram that
few names have (a brand such as 绿源奥特 gives 绿源, 源奥, 奥特; 科技 or 北京 are in too many names to
say anything). The candidate pairs are then scored column-wise by rapidfuzz's cpdist, with no
Python loop per pair. The threshold that makes a pair a candidate is the mart's (a dbt var); this
module keeps every pair at or above FLOOR so that the var can be raised or lowered without Python.
"""
from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field

import duckdb
import numpy as np
import pyarrow as pa
from rapidfuzz import fuzz, process

from .segmentation import Segmenter, station_terms

FLOOR = 70            # a pair below this is never shown: a name that similar is a different firm
MAX_BLOCK = 50        # a bigram in more names than this is common (科技, 北京, 有限), no block
SCHEMA = pa.schema([("match_name", pa.string()), ("other_match_name", pa.string()),
                    ("similarity", pa.int32())])


@dataclass
class NamePairs:
    pairs: pa.Table
    n_names: int
    n_compared: int
    seconds: float
    notes: list[str] = field(default_factory=list)

    @property
    def tables(self) -> dict[str, pa.Table]:
        return {"organisation_name_pairs": self.pairs}


def compute(con: duckdb.DuckDBPyConnection) -> NamePairs:
    started = time.perf_counter()
    names = [name for name, in con.execute("select match_name from intermediate.int_organisations_resolved").fetchall()]
    terms, _ = station_terms(con)
    pairs, n_compared = _pairs(names, Segmenter(terms))
    return NamePairs(pairs, len(names), n_compared, time.perf_counter() - started)


def describe(result: NamePairs) -> dict[str, int | float]:
    return {"match names": result.n_names, "pairs compared (blocked)": result.n_compared,
            f"pairs at least {FLOOR} % alike": result.pairs.num_rows, "seconds": round(result.seconds, 2)}


def similar_name_pairs(names: Iterable[str | None], segmenter: Segmenter | None = None) -> pa.Table:
    """Pairs of distinct names (match_name < other_match_name) whose similarity in % is >= FLOOR:
    the better of rapidfuzz's ratio over the characters (a trade word dropped: 北京华科恒达科技 ~
    北京华科恒达, 86) and its token_sort_ratio over jieba's words (a city moved or put in brackets:
    常州绿源奥特生物 ~ 绿源奥特生物常州, 100)."""
    return _pairs(names, segmenter or Segmenter())[0]


def _pairs(names: Iterable[str | None], segmenter: Segmenter) -> tuple[pa.Table, int]:
    """The pairs at or above FLOOR among the distinct names, and how many pairs were compared."""
    distinct = sorted({name for name in names if name})
    left, right = _candidate_pairs(distinct)
    return _scored(distinct, left, right, segmenter), len(left)


def _scored(names: list[str], left: np.ndarray, right: np.ndarray, segmenter: Segmenter) -> pa.Table:
    """The pairs (names[left[k]], names[right[k]]) at or above FLOOR, scored column-wise; each name is
    segmented once, however many pairs it is in."""
    if not len(left):
        return SCHEMA.empty_table()
    by_name = np.array(names, dtype=object)
    words = np.empty(len(names), dtype=object)
    in_pairs = np.unique(np.concatenate([left, right]))
    words[in_pairs] = [" ".join(segmenter.words(name)) for name in by_name[in_pairs]]
    by_chars = process.cpdist(by_name[left], by_name[right], scorer=fuzz.ratio, workers=-1)
    by_words = process.cpdist(words[left], words[right], scorer=fuzz.token_sort_ratio, workers=-1)
    similarity = np.rint(np.maximum(by_chars, by_words)).astype(np.int32)
    keep = similarity >= FLOOR
    return pa.table({"match_name": pa.array(by_name[left[keep]], pa.string()),
                     "other_match_name": pa.array(by_name[right[keep]], pa.string()),
                     "similarity": pa.array(similarity[keep])}, schema=SCHEMA)


def _candidate_pairs(names: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """The pairs of (sorted, distinct) names sharing an uncommon bigram, each once, as indexes into
    names, the smaller first (DuckDB: the join over bigrams is the blocking, done in bulk, on
    integers; a million pairs reach Python as two arrays, not as a million tuples of strings)."""
    if len(names) < 2:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    con = duckdb.connect()
    try:
        con.register("names", pa.table({"id": pa.array(range(len(names)), pa.int64()), "name": names}))
        pairs = con.execute(f"""
            with bigrams as (
                select distinct id, substr(name, i, 2) as bigram
                from names, range(1, length(name)) as positions(i)
            ),
            blocks as (
                select bigram from bigrams group by bigram having count(*) between 2 and {MAX_BLOCK}
            ),
            blocked as (
                select bigrams.* from bigrams semi join blocks using (bigram)
            )
            select distinct a.id as left_id, b.id as right_id
            from blocked as a
            inner join blocked as b on a.bigram = b.bigram and a.id < b.id
            order by all
        """).fetchnumpy()
    finally:
        con.close()
    return pairs["left_id"], pairs["right_id"]
