"""What the working file was last built from, recorded inside it by each build's commit (so the
record and the build are one rename, SPEC §8), and what a run must do against it.

A run has nothing to do when no inbox file is new, every load in the ledger was built, and the dbt
project (models, macros, seeds, tests, dbt_project.yml, the NFKC function) and the run's --vars are
those of the last build. A changed project rebuilds what dbt's own state comparison
(`state:modified+` against the recorded manifest) selects; changed --vars rebuild everything, since
dbt cannot tell which models read a var (dbt docs: "Caveats to state comparison").
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from chaxin.settings import Settings
from ingest.load import has_ledger, new_files

from .dbt_project import DBT_PROJECT_DIR
from .publish import published_build
from .writer import Holder, interrupted

TABLE = "meta.last_build"
PROJECT_PARTS = ("models", "macros", "seeds", "data-tests", "dbt_project.yml")
PROJECT_CODE = Path(__file__).with_name("dbt_functions.py")   # the Arrow NFKC function staging calls
ENRICHMENT_CODE = Path(__file__).parent.parent / "enrichment"  # the Python tables between dbt's stages


def project_fingerprint(project_dir: Path = DBT_PROJECT_DIR) -> str:
    """sha256 of every file dbt builds from: a cheap "nothing changed" before asking dbt what did."""
    digest = hashlib.sha256()
    files = [p for part in PROJECT_PARTS for p in sorted((project_dir / part).rglob("*"))
             if p.is_file()] if project_dir.is_dir() else []
    code = [("nfkc", PROJECT_CODE), *((f"enrichment/{p.name}", p) for p in sorted(ENRICHMENT_CODE.glob("*.py")))]
    for name, path in [*((p.relative_to(project_dir).as_posix(), p) for p in files), *code]:
        digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def canonical_vars(dbt_vars: dict | None) -> str:
    return json.dumps(dbt_vars or {}, sort_keys=True, ensure_ascii=False)


@dataclass(frozen=True)
class LastBuild:
    run_id: str
    built_at: dt.datetime
    max_load_id: int          # every load up to this one is in the marts
    project_sha: str
    dbt_vars: str             # canonical_vars of the run's --vars
    manifest: str             # dbt's manifest.json of that build, for `--state`


def built_alike(last: LastBuild | None, dbt_vars: dict | None, project_dir: Path = DBT_PROJECT_DIR) -> bool:
    """That build used this dbt project and these --vars: what staging typed still stands."""
    return (last is not None and last.dbt_vars == canonical_vars(dbt_vars)
            and last.project_sha == project_fingerprint(project_dir))


def up_to_date(con: duckdb.DuckDBPyConnection, dbt_vars: dict | None, project_dir: Path = DBT_PROJECT_DIR) -> bool:
    """This warehouse was built from every load it holds, by this project with these --vars."""
    last = last_build(con)
    return built_alike(last, dbt_vars, project_dir) and con.execute(
        "select count(*) from raw.ingested_files where load_id > ?", [last.max_load_id]).fetchall()[0][0] == 0


def last_build(con: duckdb.DuckDBPyConnection) -> LastBuild | None:
    found = con.execute("""select count(*) from duckdb_tables()
                           where schema_name = 'meta' and table_name = 'last_build'""").fetchall()[0][0]
    if not found:
        return None
    row = con.execute(f"""select run_id, built_at, max_load_id, project_sha, dbt_vars, manifest
                          from {TABLE}""").fetchall()
    return LastBuild(*row[0]) if row else None


def record_build(con: duckdb.DuckDBPyConnection, run_id: str, dbt_vars: dict | None, manifest: Path,
                 project_dir: Path = DBT_PROJECT_DIR) -> None:
    """Called on the run's copy just before its commit: the record and the build become visible together."""
    con.execute("create schema if not exists meta")
    con.execute(f"""create or replace table {TABLE} as
                    select ? as run_id, ?::timestamp as built_at,
                           (select coalesce(max(load_id), 0) from raw.ingested_files) as max_load_id,
                           ? as project_sha, ? as dbt_vars, ? as manifest""",
                [run_id, dt.datetime.now(), project_fingerprint(project_dir), canonical_vars(dbt_vars),
                 manifest.read_text(encoding="utf-8")])


@dataclass
class Plan:
    """What a run has to do, decided from the working file (read only) and the inbox in about a second."""
    last: LastBuild | None
    new_files: list[str] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)
    unbuilt_loads: int = 0            # ledger rows newer than the last build (`chaxin ingest` alone)
    n_files: int = 0                  # ledger rows, for the summary
    project_changed: bool = False
    vars_changed: bool = False
    bi_stale: bool = False            # the BI file is missing, or holds another build than the last
    interrupted: Holder | None = None   # the last writer died mid-run: its publication may be missing
    unfinished: str | None = None     # station server: a run started rebuilding and never recorded its build

    @property
    def new_data(self) -> bool:
        return bool(self.new_files or self.unbuilt_loads)

    @property
    def up_to_date(self) -> bool:
        return (self.last is not None and not self.new_data and not self.project_changed
                and not self.vars_changed and not self.bi_stale and self.interrupted is None
                and self.unfinished is None)

    def describe(self) -> str:
        if self.up_to_date:
            waiting = f"; {len(self.waiting)} file(s) still being written wait for the next run" if self.waiting else ""
            return (f"up to date: built {self.last.built_at:%Y-%m-%d %H:%M} by run {self.last.run_id[:8]} "
                    f"from {self.n_files} files; nothing new in the inbox, the models and --vars unchanged{waiting}")
        reasons = [f"{len(self.new_files)} new inbox file(s)" if self.new_files else "",
                   f"{self.unbuilt_loads} ingested file(s) not built yet" if self.unbuilt_loads else "",
                   "the dbt project changed" if self.project_changed else "",
                   "--vars changed" if self.vars_changed else "",
                   "the BI file does not hold the last build" if self.bi_stale else "",
                   f"the writer {self.interrupted.describe()} died" if self.interrupted else "",
                   f"{self.unfinished} did not finish its build: rebuilding from raw" if self.unfinished else "",
                   "nothing built yet" if self.last is None else ""]
        return "to do: " + ", ".join(r for r in reasons if r)


def plan(settings: Settings, dbt_vars: dict | None = None, project_dir: Path = DBT_PROJECT_DIR) -> Plan:
    if settings.target == "postgres":
        from .postgres_state import plan as plan_on_server

        return plan_on_server(settings, dbt_vars, project_dir)
    if not settings.warehouse.exists():
        return Plan(last=None)
    try:
        con = duckdb.connect(str(settings.warehouse), read_only=True)
    except duckdb.IOException:   # held by another process: the run itself says so, in one line
        return Plan(last=None)
    try:
        last = last_build(con)
        new, waiting = new_files(con, settings.inbox, settings.settle_seconds)
        n_files, unbuilt = con.execute(
            "select count(*), count(*) filter (where load_id > ?) from raw.ingested_files",
            [last.max_load_id if last else 0]).fetchall()[0] if has_ledger(con) else (0, 0)
    finally:
        con.close()
    return Plan(last=last, new_files=new, waiting=waiting, n_files=n_files, unbuilt_loads=unbuilt,
                project_changed=last is not None and last.project_sha != project_fingerprint(project_dir),
                vars_changed=last is not None and last.dbt_vars != canonical_vars(dbt_vars),
                bi_stale=last is None or published_build(settings.bi) != last.run_id,
                interrupted=interrupted(settings.warehouse))




def what_to_rebuild(plan: Plan, dbt_vars: dict | None,
                    settings: Settings | None = None) -> tuple[list[tuple[str, str]] | None, str | None]:
    """The relations a run rebuilds, and what to tell the user. None: every model (new data, new
    --vars, a first build; the dbt asset decides whether staging is re-typed from raw). A changed
    project alone: what dbt's state comparison selects. Otherwise (a publication missing after a
    crash) no model: the run commits nothing, publishes and reports."""
    if plan.last is None or plan.new_data or plan.vars_changed or plan.unfinished:
        return None, None
    if not plan.project_changed:
        return [], None
    from .dbt_state import StateUnknown, modified_relations

    try:   # on the server, against the server's recorded manifest, parsed for its target
        relations = modified_relations(plan.last.manifest, dbt_vars, dbt_target=settings and settings.dbt_target_args())
    except StateUnknown as e:
        return None, f"dbt cannot compare the project with the last build ({e}): rebuilding everything"
    relations = with_enrichments(relations, json.loads(plan.last.manifest))
    return sorted(relations) or None, f"the dbt project changed: {len(relations)} models and seeds to rebuild"


def with_enrichments(relations: set[tuple[str, str]], manifest: dict) -> set[tuple[str, str]]:
    """dbt's graph does not see that an enrichment table is computed from stage-1 models: when one
    it reads is rebuilt, so is the table (its asset) and every model downstream of its source."""
    from enrichment import ENRICHMENTS, SCHEMA

    from .dbt_state import relation_of

    nodes, children = manifest["nodes"], manifest["child_map"]
    for spec in ENRICHMENTS.values():
        if not relations & set(spec.reads):
            continue
        relations = relations | {(SCHEMA, spec.table)}
        todo = [u for u in manifest["sources"] if manifest["sources"][u]["source_name"] == SCHEMA
                and manifest["sources"][u]["name"] == spec.table]
        while todo:
            for child in children.get(todo.pop(), []):
                node = nodes.get(child)
                if node and node["resource_type"] in ("model", "seed") and relation_of(node) not in relations:
                    relations = relations | {relation_of(node)}
                    todo.append(child)
    return relations
