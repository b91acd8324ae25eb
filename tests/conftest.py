"""Shared fixtures: a copy of the tiny fixture inbox, and one real build of it per session (per target,
for the tests that run on both: SPEC §7)."""
from __future__ import annotations

import csv
import hashlib
import os
import shutil
from contextlib import closing, contextmanager
from pathlib import Path

import pytest

from dagster import DagsterInstance

from chaxin.settings import Settings
from dagster_project.runner import run_job
from warehouse import connect

FIXTURE_INBOX = Path(__file__).parent / "fixtures" / "inbox"
# files a test has just written are ingested at once (the settling wait has its own test)
os.environ.setdefault("CHAXIN_SETTLE_SECONDS", "0")


@pytest.fixture
def inbox(tmp_path) -> Path:
    """A private copy of the fixture inbox (tests may add files to it)."""
    target = tmp_path / "inbox"
    shutil.copytree(FIXTURE_INBOX, target)
    return target


def station(root: Path, inbox: Path, postgres_url: str | None = None) -> Settings:
    """Settings for a station whose files all live under root; its warehouse in the database at
    postgres_url (CHAXIN_TARGET=postgres) if one is given."""
    return Settings.load(inbox=inbox, warehouse=root / "warehouse.duckdb", bi=root / "bi.duckdb",
                         target="postgres" if postgres_url else None, postgres_url=postgres_url)


def database_name(root: Path) -> str:
    """The database of the station under root on the session's cluster: one per station folder."""
    return "station_" + hashlib.sha256(str(root).encode()).hexdigest()[:12]


def copy_station(source: Settings, root: Path) -> Settings:
    """A private copy of a built station (inbox, working file, BI file; on the server its database)
    under root: a test that changes a station starts from a shared build instead of building its own."""
    url = None
    if source.target == "postgres":
        from .postgres_server import copy_database

        url = copy_database(source.postgres_url, database_name(root))
    settings = station(root, root / "inbox", url)
    shutil.copytree(source.inbox, settings.inbox)
    if url is None:
        shutil.copyfile(source.warehouse, settings.warehouse)
        shutil.copyfile(source.bi, settings.bi)
    return settings


def run_job_in_process(settings: Settings, job_name: str, **kwargs):
    """A job of the one Definitions, in-process, as the CLI runs it."""
    return run_job(settings, job_name, instance=DagsterInstance.ephemeral(), **kwargs)


def run_warehouse(settings: Settings, **kwargs):
    """The warehouse job of the one Definitions, in-process, as `chaxin run` runs it."""
    return run_job_in_process(settings, "warehouse_job", **kwargs)


def through_the_pipeline(root: Path):
    """root/inbox through the warehouse job; yields (connection to the warehouse, outcome, settings)."""
    settings = station(root, root / "inbox")
    outcome = run_warehouse(settings)
    assert outcome.ok, outcome.failures
    con = connect(settings.warehouse)
    yield con, outcome, settings
    con.close()


@pytest.fixture(scope="session", params=["duckdb", "postgres"])
def target(request) -> str:
    """The warehouse's target (SPEC §7): a test that takes it, or a fixture below that does, runs on
    the DuckDB file and on the station server (the session's throw-away cluster)."""
    return request.param


# For a test whose server case makes several whole runs there, too long for `make test`'s budget: its
# DuckDB case stays in `make test`, its server case goes to `make test-slow`.
SERVER_CASE_SLOW = pytest.mark.parametrize(
    "target", ["duckdb", pytest.param("postgres", marks=pytest.mark.slow)], indirect=True)


@pytest.fixture(scope="session")
def new_station(target, request):
    """station() on the test's target: on the server, each station in a fresh database of its own."""
    server = request.getfixturevalue("postgres_url") if target == "postgres" else None

    def make(root: Path, inbox: Path) -> Settings:
        if server is None:
            return station(root, inbox)
        from .postgres_server import fresh_database

        return station(root, inbox, fresh_database(server, database_name(root)))
    return make


@pytest.fixture(scope="session")
def built_on_target(target, new_station, request, tmp_path_factory) -> Settings:
    """The fixture inbox through the whole pipeline on the test's target: on DuckDB the `built`
    station, on the server one build per session, shared like it (copy_station to change it)."""
    if target == "duckdb":
        return request.getfixturevalue("built")[2]
    root = tmp_path_factory.mktemp("built-postgres")
    shutil.copytree(FIXTURE_INBOX, root / "inbox")
    settings = new_station(root, root / "inbox")
    outcome = run_warehouse(settings)
    assert outcome.ok, outcome.failures
    return settings


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """The fixture inbox through the whole pipeline."""
    root = tmp_path_factory.mktemp("built")
    shutil.copytree(FIXTURE_INBOX, root / "inbox")
    yield from through_the_pipeline(root)


@pytest.fixture(scope="session")
def demo_built(tmp_path_factory):
    """The demo inbox written by `chaxin demo` through the whole pipeline."""
    from chaxin.cli import main

    root = tmp_path_factory.mktemp("demo")
    assert main(["demo", str(root / "inbox")]) == 0
    yield from through_the_pipeline(root)


@pytest.fixture(scope="session")
def postgres_url():
    """A throw-away PostgreSQL cluster for the session (tests/postgres_server.py): its URL.
    PostgreSQL comes from Debian's package, which `make test` installs."""
    import tempfile

    from .postgres_server import start, stop

    root = Path(tempfile.mkdtemp(prefix="chaxin-pg-", dir="/tmp"))   # short: the socket path has a limit
    try:
        yield start(root)
    finally:
        stop(root)


SMALL_STATION = {
    "commissions.csv": [
        ["编号", "委托日期", "委托单位", "用户性质", "企业类型", "产业类型", "委托单位地址", "委托人电子邮箱",
         "查新目的", "费用", "状态", "认可度", "配合度", "推荐单位", "查新员"],
        ["A1", "2009-02-10", "北京甲科技有限公司", "企业", "民营", "新材料", "北京海淀", "a@jia.com", "立项", "1000", "已完成", "5", "5", "", "孙玉玲"],
        ["A2", "2009-05-10", "北京甲科技有限公司", "企业", "民营", "新材料", "北京海淀", "a@jia.com", "专利", "2000", "已完成", "5", "5", "", "孙玉玲"],
        ["A3", "2010-01-15", "北京甲科技有限公司", "企业", "民营", "新材料", "北京海淀", "a@jia.com", "立项", "1500", "已完成", "4", "4", "", "陈芳"],
        ["A4", "2010-02-20", "北京甲科技有限公司", "企业", "民营", "新材料", "北京海淀", "a@jia.com", "", "1000", "已完成", "4", "", "", "陈芳"],
        ["A5", "2010-03-05", "北京甲科技有限公司", "企业", "民营", "新材料", "北京海淀", "a@jia.com", "", "500", "已取消", "1", "1", "", "陈芳"],
        ["B1", "2010-03-10", "上海乙生物股份有限公司", "企业", "外资", "生物医药", "上海浦东", "b@yi.com", "", "0.3万", "已完成", "2", "3", "北京甲科技有限公司", "董璐"],
        ["C1", "2010-04-01", "丙大学", "高校", "", "", "丙市", "c@bing.edu", "", "800", "已完成", "", "", "", "董璐"],
        ["D1", "2010-05-05", "广州丁环保有限公司", "企业", "民营", "节能环保", "", "d@ding.com", "", "1200", "已完成", "", "", "", "董璐"],
    ],
    "profiles.csv": [
        ["名称", "统计年度", "高端人才", "获得荣誉"],
        ["北京甲科技有限公司", "2009", "8", "高新技术企业、省级企业技术中心"],
        ["上海乙生物股份有限公司", "2008", "10", "A；B；C；D；E"],
    ],
    "patents.csv": [
        ["专利号", "申请人", "专利类型", "申请日", "法律状态"],
        ["P1", "北京甲科技有限公司", "发明", "2008-01-01", "有效"],
        ["P2", "北京甲科技有限公司", "发明", "2009-06-01", "有效"],
        ["P3", "北京甲科技有限公司", "发明", "2010-06-01", "有效"],
        ["P4", "北京甲科技有限公司", "实用新型", "2009-03-01", "有效"],
        ["P5", "北京甲科技有限公司", "发明", "2009-01-01", "失效"],
        *[[f"Q{i}", "上海乙生物股份有限公司", "发明", f"2010-0{i}-01", "授权"] for i in range(1, 6)],
    ],
}


def write_csvs(folder: Path, files: dict[str, list[list[str]]]) -> None:
    """Each file name's rows as a UTF-8 CSV in folder, as SMALL_STATION spells a station's exports."""
    for name, table in files.items():
        with (folder / name).open("w", newline="", encoding="utf-8") as f:
            csv.writer(f).writerows(table)


@pytest.fixture(scope="session")
def small_station(tmp_path_factory):
    """SMALL_STATION through the whole pipeline; its Settings. test_marts works out its numbers."""
    root = tmp_path_factory.mktemp("small")
    (root / "inbox").mkdir()
    write_csvs(root / "inbox", SMALL_STATION)
    settings = station(root, root / "inbox")
    outcome = run_warehouse(settings)
    assert outcome.ok, outcome.failures
    return settings


def rows(con, sql: str, *params) -> list[tuple]:
    return con.execute(sql, list(params)).fetchall()


def query(settings: Settings, sql: str, *params) -> list[tuple]:
    """Rows of a query of the station's warehouse, on either target: SQL both engines read the same
    way, `?` for each parameter. On the server it runs there, as an analyst's query would."""
    if settings.target == "postgres":
        import psycopg

        with psycopg.connect(settings.postgres_url) as pg:
            return pg.execute(*_psycopg(sql, params)).fetchall()
    with closing(connect(settings.warehouse, read_only=True)) as con:
        return rows(con, sql, *params)


def execute(settings: Settings, sql: str, *params) -> None:
    """A statement on the station's warehouse, on either target (as query()), committed."""
    if settings.target == "postgres":
        import psycopg

        with psycopg.connect(settings.postgres_url) as pg:
            pg.execute(*_psycopg(sql, params))
        return
    with closing(connect(settings.warehouse)) as con:
        con.execute(sql, list(params))


def _psycopg(sql: str, params: tuple) -> tuple[str, tuple | None]:
    """DuckDB's `?` parameters as psycopg's `%s` (a literal % doubled); no parameters, no placeholders."""
    return (sql.replace("%", "%%").replace("?", "%s"), params) if params else (sql, None)


@contextmanager
def reading(settings: Settings, *names: str):
    """A DuckDB connection for DuckDB SQL on the station's warehouse, on either target: the working
    file, or on the server copies of the relations named (`schema.table`) and of every table of the
    schemas named (warehouse/reading.py, as the CLI reads the server)."""
    from warehouse.reading import read_warehouse

    relations, schemas = [n for n in names if "." in n], [n for n in names if "." not in n]
    if settings.target == "postgres" and schemas:
        relations += [f"{schema}.{table}" for schema, table in query(
            settings, "select table_schema, table_name from information_schema.tables "
                      "where table_schema = any(?) order by 1, 2", schemas)]
    with read_warehouse(settings, relations) as con:
        yield con
