"""warehouse/postgres_copy.py: relations between the station server and an in-memory DuckDB, by COPY
both ways, keep every value and type the warehouse uses: NULL apart from '', quotes, commas and
newlines inside text, dates, timestamps, booleans, numbers, text arrays and JSON."""
from __future__ import annotations

import datetime as dt

import duckdb
import psycopg
import pytest

from warehouse.postgres_copy import UnsupportedType, pull, push

from .postgres_server import fresh_database

ROWS = [
    ('say "hi", then\nleave', 1, True, dt.date(2010, 1, 2), dt.datetime(2010, 1, 2, 3, 4, 5, 500000), 1.234, 0.1,
     ["a", "b,c"], '{"k": 1}'),
    ("", None, False, None, None, None, None, [], None),
    (None, 2, None, None, None, None, None, None, None),
]


def test_a_relation_goes_to_duckdb_and_back_unchanged(postgres_url):
    url = fresh_database(postgres_url, "copies")
    with psycopg.connect(url, autocommit=True) as pg, duckdb.connect() as duck:
        pg.execute("create schema s")
        pg.execute("""create table s.t (txt text, n integer, flag boolean, day date, at timestamp,
                      amount numeric(10, 3), ratio double precision, words text[], doc json)""")
        with pg.cursor() as cursor:
            cursor.executemany("insert into s.t values (%s, %s, %s, %s, %s, %s, %s, %s, %s)", ROWS)
        assert pull(pg, duck, "s.t") == 3
        assert duck.execute("select * from s.t order by n nulls first").fetchall() == [ROWS[1], ROWS[0], ROWS[2]]
        assert [kind for _, kind, *_ in duck.execute("describe s.t").fetchall()] == [
            "VARCHAR", "INTEGER", "BOOLEAN", "DATE", "TIMESTAMP", "DOUBLE", "DOUBLE", "VARCHAR[]", "JSON"]
        # only the rows asked for, under another name
        assert pull(pg, duck, "s.t", where="n = 2", into="two") == 1

        # back: a new table replaced in one transaction (the arrays and JSON stay in DuckDB here)
        assert push(pg, duck, "select * exclude (words, doc) from s.t", "enrichment", "t") == 3
        assert pg.execute("select * from enrichment.t order by n nulls first").fetchall() == [
            row[:7] for row in (ROWS[1], ROWS[0], ROWS[2])]
        assert push(pg, duck, "select 1::bigint as n", "enrichment", "t") == 1   # replaced, new columns
        assert pg.execute("select * from enrichment.t").fetchall() == [(1,)]
        with pytest.raises(UnsupportedType, match=r"enrichment.u.m is MAP"):
            push(pg, duck, "select map {'a': 1} as m", "enrichment", "u")
        with pytest.raises(LookupError, match="no relation s.missing"):
            pull(pg, duck, "s.missing")
