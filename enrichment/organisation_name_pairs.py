"""enrichment.organisation_name_pairs: near-identical organisation match names (SPEC §5 duplicate
candidates), by rapidfuzz, from intermediate.int_organisations_resolved (every name seen, before
the alias seed).

Comparing every name with every other is O(n²): ~300 k names at 1 M commissions would be 4.5·10¹⁰
pairs. Names are blocked first: two names are compared only when they share a character bigram that
few names have (a brand such as 绿源奥特 gives 绿源, 源奥, 奥特; 科技 or 北京 are in too many names to
say anything). The candidate pairs are then scored column-wise by rapidfuzz's cpdist, with no
Python loop per pair. The threshold that makes a pair a candidate is the mart's (a dbt var); this
module keeps every pair at or above FLOOR so that the var can be raised or lowered without Python.

A pair's similarity depends on its two names alone, and whether it is compared on the bigrams they
share being rare. So a run that has the names and method of the last build's pairs (INPUTS, in the
working file) keeps those pairs and compares only what changed, with the same result as comparing
everything: the pairs with a name that is new, and the pairs sharing a bigram that became or stopped
being rare; a pair with a name gone is dropped (SPEC §8: a new quarter re-runs only what it touches).
"""
from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
from rapidfuzz import fuzz, process

from warehouse.reads import has_table

from .segmentation import Segmenter, segmenter_for, station_terms

FLOOR = 70            # a pair below this is never shown: a name that similar is a different firm
MAX_BLOCK = 50        # a bigram in more names than this is common (科技, 北京, 有限), no block
SCHEMA = pa.schema([("match_name", pa.string()), ("other_match_name", pa.string()),
                    ("similarity", pa.int32())])
PAIRS, INPUTS = "organisation_name_pairs", "organisation_name_pairs_inputs"    # tables of the schema enrichment
# what scores a pair besides its names: these files and the libraries (an edit or an upgrade compares every pair)
METHOD = "|".join([*(hashlib.sha256((Path(__file__).parent / name).read_bytes()).hexdigest()
                     for name in ("organisation_name_pairs.py", "segmentation.py")),
                   *(f"{name} {version(name)}" for name in ("rapidfuzz", "jieba"))])


@dataclass
class NamePairs:
    pairs: pa.Table
    inputs: pa.Table          # the names compared, and how (METHOD and the station's terms)
    n_compared: int
    seconds: float
    notes: list[str] = field(default_factory=list)

    @property
    def tables(self) -> dict[str, pa.Table]:
        return {PAIRS: self.pairs, INPUTS: self.inputs}


def compute(con: duckdb.DuckDBPyConnection) -> NamePairs:
    started = time.perf_counter()
    names = sorted({name for name, in con.execute("select match_name from intermediate.int_organisations_resolved")
                    .fetchall() if name})
    terms, _ = station_terms(con)
    method = hashlib.sha256("|".join([METHOD, *sorted(terms)]).encode()).hexdigest()
    last = _last_compared(con, method)
    if last is None:
        pairs, n_compared = _pairs(names, segmenter_for(tuple(terms)))
        notes = ["every pair compared: no earlier pairs from these names' method and terms"]
    else:
        pairs, n_compared = _changed_pairs(names, *last, lambda: segmenter_for(tuple(terms)))
        notes = [f"{n_compared:,} pairs compared, the others kept from the last build"]
    inputs = pa.table({"match_name": pa.array(names, pa.string()),
                       "method": pa.array([method] * len(names), pa.string())})
    return NamePairs(pairs, inputs, n_compared, time.perf_counter() - started, notes)


def describe(result: NamePairs) -> dict[str, int | float]:
    return {"match names": result.inputs.num_rows, "pairs compared (blocked)": result.n_compared,
            f"pairs at least {FLOOR} % alike": result.pairs.num_rows, "seconds": round(result.seconds, 2)}


def _last_compared(con, method: str) -> tuple[list[str], pa.Table] | None:
    """The names and pairs the last build wrote, where the connection holds them (the working file
    does; on the server the enrichment reads copies of its inputs only) and they were compared by
    this method with these terms."""
    if not (has_table(con, PAIRS) and has_table(con, INPUTS)) or con.execute(
            f"select count(*) from enrichment.{INPUTS} where method is distinct from ?", [method]).fetchall()[0][0]:
        return None
    names = [name for name, in con.execute(f"select match_name from enrichment.{INPUTS}").fetchall()]
    return names, con.sql(f"select * from enrichment.{PAIRS}").to_arrow_table().cast(SCHEMA)


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


def _changed_pairs(names: list[str], last_names: list[str], last_pairs: pa.Table,
                   segmenter: Callable[[], Segmenter]) -> tuple[pa.Table, int]:
    """The pairs at or above FLOOR among names (sorted, distinct), from those of last_names: the same
    table as _pairs(names), comparing only the pairs with a new name and the pairs sharing a bigram
    whose rarity changed (its count crossed MAX_BLOCK, or 2), which may have become or stopped being
    compared; every other pair of two names still there is kept as it was. And how many were compared."""
    con = _blocking(names)
    try:
        con.register("last_names", pa.table({"name": pa.array(last_names, pa.string())}))
        con.register("last_pairs", last_pairs)
        con.execute(f"""
            create temp table added as
            select id, name from names anti join last_names using (name);
            create temp table sharing_a_changed_bigram as
            with names_changed as (    -- a bigram's count changed by the names added (+1) and gone (-1)
                select name, 1 as sign from added
                union all
                select name, -1 from (select name from last_names anti join names using (name))
            ),
            counts as (
                select changes.bigram, coalesce(now.n, 0) as n_now, coalesce(now.n, 0) - changes.n as n_last
                from (
                    select bigram, sum(sign) as n
                    from (select distinct name, sign, substr(name, i, 2) as bigram
                          from names_changed, range(1, length(name)) as positions(i))
                    group by bigram
                ) as changes
                left join (select bigram, count(*) as n from bigrams group by bigram) as now using (bigram)
            ),
            changed as (
                select bigram from counts
                where ({_blocks('n_now')}) <> ({_blocks('n_last')})
            )
            select distinct a.id as left_id, b.id as right_id
            from bigrams as a inner join bigrams as b on a.bigram = b.bigram and a.id < b.id
            where a.bigram in (select bigram from changed);
        """)
        to_compare = con.execute("""
            select least(a.id, b.id) as left_id, greatest(a.id, b.id) as right_id
            from blocked as a inner join blocked as b on a.bigram = b.bigram and a.id <> b.id
            where a.id in (select id from added)
            union
            select pairs.left_id, pairs.right_id
            from sharing_a_changed_bigram as pairs
            inner join blocked as a on a.id = pairs.left_id
            inner join blocked as b on b.id = pairs.right_id and b.bigram = a.bigram
            order by all
        """).fetchnumpy()
        kept = con.sql("""
            select last_pairs.*
            from last_pairs
            inner join names as a on last_pairs.match_name = a.name
            inner join names as b on last_pairs.other_match_name = b.name
            anti join sharing_a_changed_bigram as pairs on pairs.left_id = a.id and pairs.right_id = b.id
        """).to_arrow_table().cast(SCHEMA)
    finally:
        con.close()
    left, right = to_compare["left_id"], to_compare["right_id"]
    compared = _scored(names, left, right, segmenter() if len(left) else None)
    return _in_order(pa.concat_tables([kept, compared])), len(left)


def _in_order(pairs: pa.Table) -> pa.Table:
    return pairs.sort_by([("match_name", "ascending"), ("other_match_name", "ascending")])


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
    con = _blocking(names)
    try:
        pairs = con.execute("""
            select distinct a.id as left_id, b.id as right_id
            from blocked as a
            inner join blocked as b on a.bigram = b.bigram and a.id < b.id
            order by all
        """).fetchnumpy()
    finally:
        con.close()
    return pairs["left_id"], pairs["right_id"]


def _blocking(names: list[str]) -> duckdb.DuckDBPyConnection:
    """A DuckDB session holding the (sorted, distinct) names with their indexes (names), each name's
    bigrams (bigrams) and those that block (blocked: shared by 2 to MAX_BLOCK names)."""
    con = duckdb.connect()
    con.register("names", pa.table({"id": pa.array(range(len(names)), pa.int64()), "name": names}))
    con.execute(f"""
        create temp table bigrams as
        select distinct id, substr(name, i, 2) as bigram from names, range(1, length(name)) as positions(i);
        create temp table blocked as
        select * from bigrams
        where bigram in (select bigram from bigrams group by bigram having {_blocks('count(*)')});
    """)
    return con


def _blocks(n_names: str) -> str:
    """SQL: a bigram shared by n_names names blocks (it is rare, and not one name's alone)."""
    return f"{n_names} between 2 and {MAX_BLOCK}"
