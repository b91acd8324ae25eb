"""The chaxin command: arguments in, readable tables out, exit codes; the rules live elsewhere.

`ingest` and `run` execute jobs of the one Dagster Definitions in-process (dagster_project.runner),
so the CLI and the UI run the same assets and checks, and CLI runs show in `dagster dev`.
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import sys
from contextlib import contextmanager
from pathlib import Path

from . import views
from .settings import BadSetting, Settings
from .views import DATA_DOCS, console, error_console


class UsageError(Exception):
    """A user's mistake in the command line: said in one line, exit code 2, before any slow work."""


class Parser(argparse.ArgumentParser):
    def error(self, message: str):
        raise UsageError(f"{message} (see `{self.prog} --help`)")


def entry() -> None:
    """The `chaxin` command: main() in a process that ends with it. What the command imported lives as
    long as the process, and at its end Python's last full collection walks every object left (2 s
    after a run at 10 k, for nothing: the process ends). gc.freeze() leaves both out of the walks:
    after a run's imports (_run) and at the end."""
    global _ONE_COMMAND_PROCESS
    _ONE_COMMAND_PROCESS = True
    code = main()
    gc.freeze()
    sys.exit(code)


_ONE_COMMAND_PROCESS = False   # main() called in a longer-lived process (tests) leaves the collector alone


def main(argv: list[str] | None = None) -> int:
    try:
        args = parser().parse_args(argv)
        return COMMANDS[args.command](args)
    except (UsageError, BadSetting) as e:
        error_console.print(f"[bold red]error:[/] {e}")
        return 2
    except Exception as e:   # the station server unreachable, or nothing published there yet: one line
        from warehouse.errors import NothingPublished, ServerUnreachable

        if not isinstance(e, (ServerUnreachable, NothingPublished)):
            raise
        error_console.print(f"[bold red]error:[/] {e}")
        return 1 if isinstance(e, ServerUnreachable) else 2


def parser() -> Parser:
    parser = Parser(prog="chaxin", description="Client warehouse of a novelty-search station")
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="write the demo inbox (a synthetic station)")
    demo.add_argument("dir", nargs="?", help="where to write it (default: the inbox)")
    demo.add_argument("--commissions", type=int, help="scale to about N commissions (default: ~4,640)")
    demo.add_argument("--seed", type=int, default=None, help="random seed (same seed, same bytes)")

    for name, text in (("ingest", "load new inbox files into raw only"),
                       ("run", "ingest, build and test the warehouse, publish the BI file"),
                       ("status", "ingested files, quarantine counts and the latest run's checks"),
                       ("actions", "a quarter's action list and survey targets for service staff"),
                       ("quality", "a period's completeness report: the enterprise clients that lack something"),
                       ("aliases", "duplicate client candidates in the alias seed's format, for staff to confirm"),
                       ("report", "a period's HTML report: tiers, transitions, source mix, satisfaction, value")):
        p = sub.add_parser(name, help=text, description=text)
        p.add_argument("--inbox", help="the folder of export files (CHAXIN_INBOX; default data/inbox)")
        p.add_argument("--warehouse", help="the working DuckDB file (CHAXIN_WAREHOUSE; default data/warehouse.duckdb)")
        p.add_argument("--bi", help="the published PII-free BI file (CHAXIN_BI; default data/bi.duckdb)")
        _target_arguments(p)
        if name == "run":
            p.add_argument("--vars", help="JSON of SPEC §5 weights for this run, e.g. '{\"loyalty_high_threshold\": 55}'")
            p.add_argument("--full-refresh", action="store_true",
                           help="rebuild every model from raw, whatever changed (dbt --full-refresh)")
            p.add_argument("--periods", metavar="FIRST[..LAST]",
                           help="also rebuild these periods of the per-period models, e.g. 2008 or 2008Q1..2010 "
                                "(ordered by last day, shorter first: 2010Q4, 2010, 2006-2010)")
        if name == "actions":
            p.add_argument("--quarter", required=True, help="the quarter, e.g. 2010Q4")
            p.add_argument("--out", help="write an XLSX: one sheet with all rows, one per searcher")
        if name == "report":
            p.add_argument("--period", required=True, help="2010Q4, 2010 or a Five-Year Plan such as 2006-2010")
            p.add_argument("--out", help="folder for the HTML file (default: the reports folder)")
        if name == "quality":
            p.add_argument("--period", required=True, help="2010Q4, 2010 or a Five-Year Plan such as 2006-2010")
            p.add_argument("--out", help="write an XLSX with Chinese headers instead of printing")
        if name == "aliases":
            p.add_argument("--out", help="write a CSV in the format of dbt/seeds/organisation_aliases.csv")
            p.add_argument("--min-score", type=float, default=0.0,
                           help="only candidates scoring at least this (0-100; default 0: every candidate)")

    text = "let a read-only role read the published bi schema on the station server, and nothing else"
    grant = sub.add_parser("grant-bi", help=text, description=text + " (created NOLOGIN if missing)")
    grant.add_argument("role", help="the role BI tools connect as, or a group role to grant to people, e.g. bi_reader")
    grant.add_argument("--login", action="store_true",
                       help="create the role able to log in (its password: ALTER ROLE ... PASSWORD, by the DBA)")
    _target_arguments(grant)
    return parser


def _target_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument("--target", help="duckdb or postgres, the station server (CHAXIN_TARGET; default duckdb)")
    command.add_argument("--postgres-url", help="the station server as the warehouse's owner, "
                                                "e.g. postgresql://chaxin@db.station.example/chaxin (CHAXIN_POSTGRES_URL)")


def _settings(args) -> Settings:
    return Settings.load(getattr(args, "inbox", None), getattr(args, "warehouse", None), getattr(args, "bi", None),
                         args.target, args.postgres_url)


def _period_range(text: str) -> tuple[str, str]:
    from warehouse.periods import NotAPeriod, checked_period_range

    try:
        return checked_period_range(text)
    except NotAPeriod as e:
        raise UsageError(f"--periods: {e}") from None


def _period(key: str, grain: str | None = None) -> str:
    from warehouse.periods import NotAPeriod, checked_period_key

    try:
        checked_period_key(key, grain)
    except NotAPeriod as e:
        raise UsageError(str(e)) from None
    return key


def _published(settings: Settings) -> None:
    """Before any slow work: something is published (on the station server, the reading says so)."""
    if settings.target == "duckdb" and not settings.bi.exists():
        raise UsageError(f"nothing published yet at {settings.bi}: run `chaxin run` first")


def _writable(out: str | None, folder: bool = False) -> Path | None:
    """--out, checked before any work: an existing folder (or file) we may write, or one we may create."""
    if out is None:
        return None
    path = Path(out).absolute()
    if path.exists() and path.is_dir() != folder:
        raise UsageError(f"--out {out} is a {'file' if folder else 'folder'}: give a {'folder' if folder else 'file name'}")
    nearest = next(p for p in (path, *path.parents) if p.exists())   # what exists of it, or above it
    writable = nearest.is_dir() and os.access(nearest, os.W_OK) if nearest != path else os.access(path, os.W_OK)
    if not writable:
        raise UsageError(f"--out {out} cannot be written ({nearest} is not a folder you may write in): "
                         "choose another place")
    return path


def cmd_demo(args) -> int:
    from demo import DEFAULT_SEED, write_demo_inbox

    target = Path(args.dir) if args.dir else Settings.load().inbox
    seed = DEFAULT_SEED if args.seed is None else args.seed
    with console.status(f"writing the demo inbox to {target}"):
        counts = write_demo_inbox(target, args.commissions, seed)
    console.print(f"[green]demo inbox written[/] to {target}: {counts['clients']:,} clients, "
                  f"{counts['commissions']:,} commissions (seed {seed})")
    return 0


@contextmanager
def _writing(out: Path):
    """Writing --out: a place that refuses the file (permissions, a special file system) in one line."""
    try:
        yield
    except OSError as e:
        raise UsageError(f"--out {out} cannot be written ({e.strerror or e}): choose another place") from None
    except Exception as e:   # xlsxwriter wraps the OSError in its FileCreateError
        if not isinstance(e.__context__, OSError):
            raise
        raise UsageError(f"--out {out} cannot be written ({e.__context__.strerror}): choose another place") from None


def _run(settings: Settings, job_name: str, what: str, dbt_vars: dict | None = None, full_refresh: bool = False,
         only: list | None = None, periods: tuple[str, str] | None = None, periods_alone: bool = False):
    """Run a job in-process and show the files it ingested; None when Dagster cannot record the run."""
    if not settings.inbox.is_dir():
        _missing_inbox(settings)
    from dagster_project.progress import say as progress
    from dagster_project.runner import run_job

    if _ONE_COMMAND_PROCESS:
        gc.freeze()   # the run's imports, 1 s of the collector's walks during the run

    log_file = settings.dagster_home / "logs" / f"{job_name}.log"
    progress(f"{what} (Dagster job {job_name}, in-process; steps below, the dbt log in {log_file})")
    try:
        outcome = run_job(settings, job_name, log_file=log_file, dbt_vars=dbt_vars, full_refresh=full_refresh,
                          only=only, periods=periods, periods_alone=periods_alone)
    except Exception as e:
        if not _is_storage_error(e):
            raise
        cause = str(getattr(e, "orig", None) or e).splitlines()[0]
        console.print(f"[bold red]error:[/] cannot write Dagster's run records in {settings.dagster_home} "
                      f"({cause}): is the disk full or read-only? The warehouse and the BI file are unchanged")
        return None
    if "warehouse/working_file" in outcome.materialized:   # else the run changed nothing to show
        views.ledger(settings, run_id=outcome.run_id)
    if any(failure.startswith(("warehouse_models", "mart_models")) for failure in outcome.failures):
        console.print(f"the run's dbt log: {log_file}")
    return outcome


def _missing_inbox(settings: Settings):
    raise UsageError(f"inbox {settings.inbox} does not exist: create it and put the exports there, "
                     "or give --inbox (CHAXIN_INBOX)")


def _is_storage_error(error: Exception) -> bool:
    """The run's own storage (DAGSTER_HOME) full or unwritable: OSError, or SQLite's through SQLAlchemy."""
    import sqlite3

    return isinstance(error, (OSError, sqlite3.OperationalError)) or isinstance(
        getattr(error, "orig", None), sqlite3.OperationalError)


def cmd_ingest(args) -> int:
    settings = _settings(args)
    if settings.target == "postgres":   # unreachable is one line, before a run starts
        from warehouse.postgres_state import server

        with server(settings.postgres_url):
            pass
    outcome = _run(settings, "ingest_job", "ingesting the inbox")
    if outcome is None:
        return 1
    views.failures(outcome)
    return 0 if outcome.ok else 1


def cmd_run(args) -> int:
    settings = _settings(args)
    try:
        dbt_vars = json.loads(args.vars) if args.vars else None
    except json.JSONDecodeError as e:
        raise UsageError(f"--vars is not JSON ({e.msg} at character {e.pos}): e.g. "
                         "'{\"loyalty_high_threshold\": 55}'") from None
    periods = _period_range(args.periods) if args.periods else None
    if not settings.inbox.is_dir():
        _missing_inbox(settings)
    from warehouse.build_state import plan as plan_run, what_to_rebuild

    plan = plan_run(settings, dbt_vars)
    if plan.up_to_date and not args.full_refresh and not periods:
        console.print(plan.describe())
        return 0
    if settings.target == "duckdb":   # the run's copy of the working file, made while Dagster imports
        from warehouse.copy_ahead import copy_ahead

        copy_ahead(settings.warehouse)
    error_console.print(plan.describe() + (" (--full-refresh)" if args.full_refresh else "")
                        + (f" (--periods {periods[0]}..{periods[1]})" if periods else ""))
    only, note = (None, None) if args.full_refresh or periods else what_to_rebuild(plan, dbt_vars, settings)
    if note:
        error_console.print(note)
    outcome = _run(settings, "warehouse_job", "ingest, dbt build with tests, publish", dbt_vars,
                   args.full_refresh, only, periods, periods_alone=plan.up_to_date)
    if outcome is None:
        return 1
    if "warehouse/working_file" in outcome.materialized:
        views.quarantine(settings)
    views.checks(outcome.checks)
    views.failures(outcome)
    published = views.published_name(settings)
    if "bi/published_file" in outcome.materialized:
        views.five_year_summaries(settings)
        console.print(f"[green]published[/] {published}")
        console.print(f"data docs: {settings.quality_dir / DATA_DOCS}")
        for name, value in outcome.materialized.get("reports/period_reports", {}).items():
            if name.startswith("report "):
                console.print(f"{name}: {value.path}")
    elif outcome.ok:   # another run built everything while this one waited for it
        console.print(f"nothing to build or publish: the warehouse was already up to date ({published} unchanged)")
    else:
        console.print(f"[bold red]not published:[/] {published} is unchanged")
    return 0 if outcome.ok else 1


def cmd_status(args) -> int:
    from dagster_project.history import latest_run_checks

    settings = _settings(args)
    if settings.target == "duckdb" and not settings.warehouse.exists():
        raise UsageError(f"no warehouse at {settings.warehouse} yet: run `chaxin run` first")
    views.ledger(settings)
    views.quarantine(settings)
    latest = latest_run_checks(settings)
    if latest:
        run_id, status, checks = latest
        console.print(f"latest warehouse run {run_id[:8]}: {status}")
        views.checks(checks)
    if settings.target == "postgres" or settings.bi.exists():
        from warehouse.errors import NothingPublished

        try:
            views.completeness(settings)
        except NothingPublished as e:   # nothing published on the server yet: status still shows the rest
            console.print(str(e))
    return 0


def cmd_quality(args) -> int:
    settings = _settings(args)
    period, out = _period(args.period), _writable(args.out)
    _published(settings)
    from reports.service_lists import completeness_rows, completeness_sheets
    from reports.xlsx import write_workbook
    from warehouse.reading import read_published

    with read_published(settings, ["bi_mart_completeness_gaps", "bi_mart_duplicate_candidates"]) as con:
        rows = completeness_rows(con, period)
        sheets = completeness_sheets(con, [period]) if out else {}
    if out:
        with _writing(out):
            write_workbook(out, sheets)
        console.print(f"{len(rows)} incomplete enterprise clients of {period} written to {out}")
        return 0
    views.completeness_gaps(period, rows)
    return 0


def cmd_aliases(args) -> int:
    settings = _settings(args)
    out = _writable(args.out)
    if not 0 <= args.min_score <= 100:
        raise UsageError(f"--min-score {args.min_score:g} is not a score: give 0 to 100")
    if settings.target == "duckdb" and not settings.warehouse.exists():
        raise UsageError(f"no warehouse at {settings.warehouse} yet: run `chaxin run` first")
    import duckdb

    from reports.alias_candidates import write_alias_rows
    from warehouse.reading import read_warehouse
    from warehouse.reads import alias_candidates

    try:   # the working data, read-only: the evidence names contacts, which the BI file never holds
        with read_warehouse(settings, ["marts.mart_duplicate_candidates"]) as con:
            rows = alias_candidates(con, args.min_score)
    except duckdb.IOException as e:
        raise UsageError(f"cannot read {settings.warehouse} ({str(e).splitlines()[0]})") from None
    if rows is None:
        raise UsageError(f"the warehouse {settings.warehouse} has no duplicate candidates yet: run `chaxin run`")
    if out:
        with _writing(out):
            write_alias_rows(rows, out)
        console.print(f"{len(rows)} duplicate candidates written to {out} in the alias seed's format: keep the "
                      "pairs that are one organisation, append them to dbt/seeds/organisation_aliases.csv, "
                      "then `chaxin run`")
        return 0
    views.alias_candidates(rows)
    return 0


def cmd_actions(args) -> int:
    settings = _settings(args)
    quarter, out = _period(args.quarter, "quarter"), _writable(args.out)
    _published(settings)
    from reports.service_lists import ALL_SHEET, as_of_date, write_action_list
    from warehouse.reading import read_published
    from warehouse.reads import action_plan_by_status, survey_targets

    as_of = as_of_date(quarter)
    with read_published(settings, ["bi_mart_action_plan", "bi_mart_survey_targets"]) as con:
        if out:
            with _writing(out):
                sheets = write_action_list(con, quarter, out)
            console.print(f"{len(sheets[ALL_SHEET][1])} rows for {len(sheets) - 1} searchers written to {out}")
            return 0
        actions, targets = action_plan_by_status(con, quarter), survey_targets(con, quarter)
    views.action_list(quarter, as_of, actions, targets)
    return 0


def cmd_report(args) -> int:
    settings = _settings(args)
    period, out = _period(args.period), _writable(args.out, folder=True)
    _published(settings)
    from reports.period_report import write_period_report
    from warehouse.reading import published_file

    with console.status(f"writing the {period} report"), _writing(out or settings.reports_dir), \
            published_file(settings) as bi:
        path = write_period_report(bi, period, out or settings.reports_dir)
    console.print(f"report written: {path}")
    return 0


def cmd_grant_bi(args) -> int:
    settings = _settings(args)
    if settings.target != "postgres":
        raise UsageError(f"grant-bi is for the station server (CHAXIN_TARGET=postgres, CHAXIN_POSTGRES_URL): on "
                         f"duckdb there are no roles, BI tools open the BI file {settings.bi} read-only")
    import psycopg

    from warehouse.postgres_publish import PUBLISHED, RoleRefused, grant_bi

    try:
        grant = grant_bi(settings.postgres_url, args.role, login=args.login)
    except RoleRefused as e:
        raise UsageError(str(e)) from None
    except psycopg.Error as e:   # unreachable, or the URL's role may not create roles or grant
        what = "cannot reach the station server" if isinstance(e, psycopg.OperationalError) else "the server refused"
        error_console.print(f"[bold red]error:[/] {what}: {str(e).strip().splitlines()[0]}")
        return 1
    how = ("created, " + ("LOGIN" if grant.login else "NOLOGIN")) if grant.created else "existing role"
    tables = f"{len(grant.tables)} table{'' if len(grant.tables) == 1 else 's'}"
    console.print(f"{grant.role} ({how}) reads schema {PUBLISHED} ({tables} now, and every later publication) "
                  "and nothing else")
    return 0


COMMANDS = {"demo": cmd_demo, "ingest": cmd_ingest, "run": cmd_run, "status": cmd_status, "actions": cmd_actions,
            "quality": cmd_quality, "aliases": cmd_aliases, "report": cmd_report, "grant-bi": cmd_grant_bi}

if __name__ == "__main__":
    entry()
