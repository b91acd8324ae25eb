"""The published `bi` schema on the station server (CHAXIN_TARGET=postgres): swapped in atomically,
readable by read-only BI roles and by nobody else's mistake. Every SQL statement of it is here.

dbt builds the bi models as tables into `bi_building` (dbt/dbt_project.yml: tables, so that the
published bi depends on nothing a later run rebuilds). Publishing renames, in one transaction,
`bi` to `bi_retired_<time>` and `bi_building` to `bi`, and grants the new schema to the roles that
could read the old one. A schema rename takes no lock on the tables inside: a reader's running
query finishes on the tables it started with (now under the retired name), the next query finds
the new ones by name, and nobody ever finds no `bi` or half of one. The retired schema is then
dropped, which must wait for the readers still inside it: it waits at most `lock_timeout`, and
whatever is still busy (a long report) is left to the next publication, so a reader never fails
and never holds up a run for longer than that.

BI connections keep their tools' default, READ COMMITTED, one snapshot per query: a REPEATABLE READ
transaction held open across a publication would find the new tables but not their rows. PostgreSQL
looks a statement's table names up one at a time, so a query joining two bi tables at the very
instant of a swap could in principle take one from each version; each table's answer is whole.
"""
from __future__ import annotations

import datetime as dt
import re
import time
from dataclasses import dataclass, field

import psycopg
from psycopg import sql

PUBLISHED = "bi"
BUILDING = "bi_building"      # the schema dbt/dbt_project.yml builds the bi models into on PostgreSQL
RETIRED_PREFIX = "bi_retired_"
LOCK_TIMEOUT_MS = 2000
SWAP_ATTEMPTS = 5
ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


class PublicationError(RuntimeError):
    """Publication cannot happen now; the message is one line that says why and what stays."""


class RoleRefused(ValueError):
    """A role name grant-bi will not use; the message says why in one line."""


@dataclass
class Publication:
    tables: list[str]                                     # what bi holds now
    carried_over: list[str] = field(default_factory=list)  # not rebuilt by this run: kept from the old bi
    retired_left: list[str] = field(default_factory=list)  # still read by someone: dropped next time
    attempts: int = 1


def reset_building_schema(url: str) -> None:
    """Before a run's dbt build: drop what a failed run left in bi_building, so that a publication
    swaps in only this run's bi tables (and those carried over from the published bi)."""
    with psycopg.connect(url, autocommit=True) as con:
        con.execute(sql.SQL("drop schema if exists {} cascade").format(sql.Identifier(BUILDING)))


def publish_bi_schema(url: str, *, lock_timeout_ms: int = LOCK_TIMEOUT_MS,
                      attempts: int = SWAP_ATTEMPTS) -> Publication:
    """Swap bi_building in as bi (see the module's docstring); what was published."""
    with psycopg.connect(url, autocommit=True) as con:
        building = _tables(con, BUILDING)
        if not building:
            raise PublicationError(f"nothing to publish: the server has no tables in {BUILDING} "
                                   "(the dbt build of the bi models writes there); bi is unchanged")
        carried = _carry_over(con, sorted(set(_tables(con, PUBLISHED)) - set(building)))
        for attempt in range(1, attempts + 1):
            try:
                _swap(con, lock_timeout_ms)
                break
            except psycopg.errors.LockNotAvailable:
                if attempt == attempts:
                    raise PublicationError(
                        f"publication gave up after {attempts} tries of {lock_timeout_ms} ms: another session "
                        f"holds a lock on the bi schemas; bi is unchanged and {BUILDING} waits for the next "
                        "publication") from None
                time.sleep(0.2 * attempt)
        left = [schema for schema in _retired(con) if not _dropped(con, schema, lock_timeout_ms)]
        return Publication(_tables(con, PUBLISHED), carried, left, attempt)


def _tables(con, schema: str) -> list[str]:
    return [t for (t,) in con.execute("select tablename from pg_tables where schemaname = %s order by 1",
                                      [schema]).fetchall()]


def _carry_over(con, tables: list[str]) -> list[str]:
    """A run that rebuilt only some bi models leaves the rest as published: copy them (with their
    comments) into the building schema, reading the old ones without blocking anybody."""
    with con.transaction():
        for table in tables:
            old, new = sql.Identifier(PUBLISHED, table), sql.Identifier(BUILDING, table)
            con.execute(sql.SQL("create table {} (like {} including all)").format(new, old))
            con.execute(sql.SQL("insert into {} select * from {}").format(new, old))
    return tables


def _swap(con, lock_timeout_ms: int) -> None:
    with con.transaction():
        con.execute(sql.SQL("set local lock_timeout = {}").format(sql.Literal(f"{lock_timeout_ms}ms")))
        readers = _readers(con)
        if con.execute("select to_regnamespace(%s) is not null", [PUBLISHED]).fetchall()[0][0]:
            retired = RETIRED_PREFIX + dt.datetime.now().strftime("%Y%m%d%H%M%S%f")
            con.execute(sql.SQL("alter schema {} rename to {}").format(sql.Identifier(PUBLISHED),
                                                                       sql.Identifier(retired)))
        con.execute(sql.SQL("alter schema {} rename to {}").format(sql.Identifier(BUILDING),
                                                                   sql.Identifier(PUBLISHED)))
        for role in readers:
            _grant_reading(con, role)


def _readers(con) -> list[str]:
    """The roles that may read the published bi (USAGE on it), its owner aside."""
    return [r for (r,) in con.execute("""
        select distinct r.rolname from pg_namespace as n
        cross join lateral aclexplode(n.nspacl) as a
        join pg_roles as r on r.oid = a.grantee
        where n.nspname = %s and a.privilege_type = 'USAGE' and a.grantee <> n.nspowner
        order by 1""", [PUBLISHED]).fetchall()]


def _grant_reading(con, role: str) -> None:
    """USAGE on bi, SELECT on its tables, and on the tables created in it later."""
    schema, grantee = sql.Identifier(PUBLISHED), sql.Identifier(role)
    con.execute(sql.SQL("grant usage on schema {} to {}").format(schema, grantee))
    con.execute(sql.SQL("grant select on all tables in schema {} to {}").format(schema, grantee))
    con.execute(sql.SQL("alter default privileges in schema {} grant select on tables to {}").format(schema, grantee))


def _retired(con) -> list[str]:
    return [s for (s,) in con.execute("select nspname from pg_namespace where starts_with(nspname, %s) order by 1",
                                      [RETIRED_PREFIX]).fetchall()]


def _dropped(con, schema: str, lock_timeout_ms: int) -> bool:
    try:
        with con.transaction():
            con.execute(sql.SQL("set local lock_timeout = {}").format(sql.Literal(f"{lock_timeout_ms}ms")))
            con.execute(sql.SQL("drop schema {} cascade").format(sql.Identifier(schema)))
        return True
    except psycopg.errors.LockNotAvailable:
        return False   # a reader is still inside: the next publication drops it


@dataclass(frozen=True)
class Grant:
    role: str
    created: bool
    login: bool
    tables: list[str]


def grant_bi(url: str, role: str, *, login: bool = False) -> Grant:
    """Create the role if missing (NOLOGIN unless login) and let it read the published bi, now and
    after every publication, and nothing else: no raw, staging, marts (PII stays there, SPEC §7)."""
    if not ROLE_NAME.match(role):
        raise RoleRefused(f"role name {role!r}: use lower-case letters, digits and _ (at most 63), "
                          "starting with a letter or _, e.g. bi_reader")
    with psycopg.connect(url, autocommit=True) as con, con.transaction():
        found = con.execute("select rolsuper, rolname = current_user, rolcanlogin from pg_roles where rolname = %s",
                            [role]).fetchall()
        if found and (found[0][0] or found[0][1]):
            what = "a superuser" if found[0][0] else "the role chaxin builds the warehouse as"
            raise RoleRefused(f"role {role} is {what}: it reads everything already; give BI tools a role of "
                              "their own, e.g. bi_reader")
        grantee = sql.Identifier(role)
        if not found:
            con.execute(sql.SQL("create role {} " + ("login" if login else "nologin")).format(grantee))
        con.execute(sql.SQL("grant connect on database {} to {}").format(
            sql.Identifier(con.info.dbname), grantee))
        # before the first publication too, so that it has a bi to carry the grant over from
        con.execute(sql.SQL("create schema if not exists {}").format(sql.Identifier(PUBLISHED)))
        _grant_reading(con, role)
        return Grant(role, created=not found, login=found[0][2] if found else login,
                     tables=_tables(con, PUBLISHED))
