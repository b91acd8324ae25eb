"""BI readers on the station server while a run rebuilds (issue 13 item 6, SPEC §8 Concurrency): 20
sessions of the read-only BI role, each its own connection, looping over the BI queries, and the
verdict on what they saw. Used by tests/test_postgres_load.py and by runs.py --postgres.

A *half-built* answer is one that equals neither the answer of the whole build published before the
run nor that of the build published after it (a table empty or partly filled, an aggregate over
half the rows), or an answer of the build before after the same session has already seen the
build after (two builds mixed across tables). The two snapshots are taken by one reader with nobody
writing, and each must be whole itself: the tier summary counts exactly the tiered rows of
bi_fct_client_period, the value clients carry exactly its commissions, and the action plan's
latest quarter is the tier summary's (hand-checkable definitions, SPEC §5-6).
"""
from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass, field

import psycopg

# What a BI dashboard asks, each over its whole table, so that a table half filled changes the answer.
# Sums are taken as numeric, which adds exactly: the same rows always give the same answer.
QUERIES = {
    "tier summary": """
        select grain, period_key, tier, n_clients from bi.bi_mart_tier_summary
        order by grain, period_key, tier""",
    "action plan": """
        select period_key, status, count(*) as n_actions, count(distinct client_id) as n_clients
        from bi.bi_mart_action_plan group by period_key, status order by period_key, status""",
    "value clients": """
        select grain, period_key, count(*) as n_clients, count(*) filter (where is_value_client) as n_value,
            count(*) filter (where is_top_value) as n_top, sum(monetary_value::numeric) as monetary_value
        from bi.bi_mart_value_clients group by grain, period_key order by grain, period_key""",
}

# Within one build: each query returns the rows that break the rule (none for a whole build).
INVARIANTS = {
    "the tier summary counts the tiered client periods": """
        select grain, period_key, tier from bi.bi_mart_tier_summary as s
        where n_clients <> (select count(*) from bi.bi_fct_client_period as f
                            where f.grain = s.grain and f.period_key = s.period_key and f.tier = s.tier)""",
    "the value clients carry the client periods' commissions": """
        select grain, period_key from bi.bi_fct_client_period group by grain, period_key
        having sum(n_commissions) is distinct from (select sum(n_commissions) from bi.bi_mart_value_clients as v
                                                    where v.grain = bi_fct_client_period.grain
                                                      and v.period_key = bi_fct_client_period.period_key)""",
    "the action plan reaches the tier summary's latest quarter": """
        select max(period_key) from bi.bi_mart_action_plan
        having max(period_key) is distinct from (select max(period_key) from bi.bi_mart_tier_summary
                                                 where grain = 'quarter')""",
}


def answer(con: psycopg.Connection, query: str) -> bytes:
    """A digest of the query's rows: equal answers, equal digests (the rows are sorted by the query)."""
    return hashlib.sha256(repr(con.execute(query).fetchall()).encode()).digest()


@dataclass
class Snapshot:
    answers: dict[str, bytes]          # query name -> digest
    broken: list[str]                  # the invariants this build breaks (none when whole)
    build: str                         # bi._published.build_run_id


def snapshot(url: str) -> Snapshot:
    with psycopg.connect(url, autocommit=True) as con:
        answers = {name: answer(con, query) for name, query in QUERIES.items()}
        broken = [rule for rule, query in INVARIANTS.items() if con.execute(query).fetchall()]
        build = con.execute("select build_run_id from bi._published").fetchall()[0][0]
    return Snapshot(answers, broken, build)


@dataclass(frozen=True)
class Query:
    reader: int
    name: str
    started: float                     # time.monotonic()
    ended: float
    digest: bytes | None               # None when it failed
    error: str | None = None


class Readers:
    """`n` sessions, one thread and connection each, looping over QUERIES (a pause between queries:
    a dashboard's pace, and CPU left for the run) until stopped. Autocommit: each query is its own
    READ COMMITTED transaction, as BI tools run them (postgres_publish.py)."""

    def __init__(self, url: str, n: int = 20, pause: float = 0.1):
        self.url, self.pause = url, pause
        self.queries: list[Query] = []     # list.append is atomic: the threads share it
        self._stop = threading.Event()
        self.threads = [threading.Thread(target=self._loop, args=(i,), daemon=True) for i in range(n)]

    def __enter__(self) -> Readers:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        for thread in self.threads:
            thread.join()

    def _loop(self, reader: int) -> None:
        try:
            con = psycopg.connect(self.url, autocommit=True)
        except psycopg.Error as e:
            now = time.monotonic()
            self.queries.append(Query(reader, "connect", now, now, None, f"{type(e).__name__}: {e}".strip()))
            return
        with con:
            while not self._stop.is_set():
                for name, query in QUERIES.items():
                    started = time.monotonic()
                    try:
                        digest, error = answer(con, query), None
                    except psycopg.Error as e:
                        digest, error = None, f"{type(e).__name__}: {e}".strip()
                    self.queries.append(Query(reader, name, started, time.monotonic(), digest, error))
                    time.sleep(self.pause)


@dataclass
class Verdict:
    done: int
    failed: int
    half_built: int                    # neither build's answer
    went_back: int                     # the build before, after the same session saw the build after
    during_run: int                    # queries that ran, at least in part, while the run's process lived
    seen: dict[str, int]               # answers of the build before / after
    crossed: int                       # sessions that answered from both builds: they read across the publication
    p50_ms: float
    p95_ms: float
    examples: list[str] = field(default_factory=list)


def verdict(queries: list[Query], before: Snapshot, after: Snapshot, run_started: float, run_ended: float) -> Verdict:
    version = {name: {before.answers[name]: 0, after.answers[name]: 1} for name in QUERIES}
    failed = [q for q in queries if q.error]
    answered = sorted((q for q in queries if not q.error), key=lambda q: (q.reader, q.started))
    half_built, went_back, latest, seen, versions = [], [], {}, [0, 0], {}
    for q in answered:
        v = version[q.name].get(q.digest)
        if v is None:
            half_built.append(q)
            continue
        seen[v] += 1
        versions.setdefault(q.reader, set()).add(v)
        if v < latest.get(q.reader, 0):
            went_back.append(q)
        latest[q.reader] = max(latest.get(q.reader, 0), v)
    latencies = sorted(1000 * (q.ended - q.started) for q in answered) or [float("nan")]
    p50, p95 = (latencies[min(len(latencies) - 1, int(share * len(latencies)))] for share in (0.50, 0.95))
    examples = ([f"failed: reader {q.reader} {q.name}: {q.error}" for q in failed[:3]]
                + [f"half-built: reader {q.reader} {q.name}" for q in half_built[:3]]
                + [f"went back: reader {q.reader} {q.name}" for q in went_back[:3]])
    return Verdict(len(queries), len(failed), len(half_built), len(went_back),
                   sum(q.ended >= run_started and q.started <= run_ended for q in queries),
                   {"before": seen[0], "after": seen[1]}, sum(len(v) == 2 for v in versions.values()),
                   round(p50, 1), round(p95, 1), examples)
