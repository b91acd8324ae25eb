"""The chaxin command: arguments in, readable tables out, exit codes; the rules live elsewhere.

`ingest` and `run` execute jobs of the one Dagster Definitions in-process (dagster_project.runner),
so the CLI and the UI run the same assets and checks, and CLI runs show in `dagster dev`.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from rich.table import Table

from . import views
from .settings import Settings
from .views import DATA_DOCS, console


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="chaxin", description="Client warehouse of a novelty-search station")
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
                       ("report", "a period's HTML report: tiers, transitions, source mix, satisfaction, value")):
        p = sub.add_parser(name, help=text)
        p.add_argument("--inbox")
        p.add_argument("--warehouse")
        p.add_argument("--bi")
        if name == "run":
            p.add_argument("--vars", help="JSON of SPEC §5 weights for this run, e.g. '{\"loyalty_high_threshold\": 55}'")
        if name == "actions":
            p.add_argument("--quarter", required=True, help="e.g. 2010Q4")
            p.add_argument("--out", help="write an XLSX: one sheet with all rows, one per searcher")
        if name == "report":
            p.add_argument("--period", required=True, help="2010Q4, 2010 or 2006-2010")
            p.add_argument("--out", help="folder for the HTML file (default: the reports folder)")
        if name == "quality":
            p.add_argument("--period", required=True, help="2010Q4, 2010 or 2006-2010")
            p.add_argument("--out", help="write an XLSX with Chinese headers instead of printing")

    args = parser.parse_args(argv)
    return COMMANDS[args.command](args)


def _settings(args) -> Settings:
    return Settings.load(getattr(args, "inbox", None), getattr(args, "warehouse", None), getattr(args, "bi", None))


def cmd_demo(args) -> int:
    from demo import DEFAULT_SEED, write_demo_inbox

    target = Path(args.dir) if args.dir else Settings.load().inbox
    seed = DEFAULT_SEED if args.seed is None else args.seed
    with console.status(f"writing the demo inbox to {target}"):
        counts = write_demo_inbox(target, args.commissions, seed)
    console.print(f"[green]demo inbox written[/] to {target}: {counts['clients']:,} clients, "
                  f"{counts['commissions']:,} commissions (seed {seed})")
    return 0


def _run(settings: Settings, job_name: str, what: str, dbt_vars: dict | None = None):
    """Run a job in-process and show the files it ingested; None when there is no inbox."""
    from dagster_project.progress import say as progress
    from dagster_project.runner import run_job

    if not settings.inbox.is_dir():
        console.print(f"[bold red]error:[/] inbox {settings.inbox} does not exist")
        return None
    started = dt.datetime.now()
    log_file = settings.dagster_home / "logs" / f"{job_name}.log"
    progress(f"{what} (Dagster job {job_name}, in-process; steps below, the dbt log in {log_file})")
    try:
        outcome = run_job(settings, job_name, log_file=log_file, dbt_vars=dbt_vars)
    except OSError as e:   # the run's own storage (DAGSTER_HOME) unwritable or full
        console.print(f"[bold red]error:[/] {e.strerror or e} ({e.filename or settings.dagster_home}); "
                      "the warehouse and the BI file are unchanged")
        return None
    if "warehouse/working_file" in outcome.materialized:   # else the run changed nothing to show
        views.ledger(settings, since=started)
    if any(failure.startswith("warehouse_models") for failure in outcome.failures):
        console.print(f"the run's dbt log: {log_file}")
    return outcome


def cmd_ingest(args) -> int:
    settings = _settings(args)
    outcome = _run(settings, "ingest_job", "ingesting the inbox")
    if outcome is None:
        return 1
    views.failures(outcome)
    return 0 if outcome.ok else 1


def cmd_run(args) -> int:
    settings = _settings(args)
    outcome = _run(settings, "warehouse_job", "ingest, dbt build with tests, publish",
                   json.loads(args.vars) if args.vars else None)
    if outcome is None:
        return 1
    if "warehouse/working_file" in outcome.materialized:
        views.quarantine(settings)
    views.checks(outcome.checks)
    views.failures(outcome)
    if "bi/published_file" in outcome.materialized:
        views.five_year_summaries(settings)
        console.print(f"[green]published[/] {settings.bi}")
        console.print(f"data docs: {settings.quality_dir / DATA_DOCS}")
        for name, value in outcome.materialized.get("reports/period_reports", {}).items():
            if name.startswith("report "):
                console.print(f"{name}: {value.path}")
    else:
        console.print(f"[bold red]not published:[/] {settings.bi} is unchanged")
    return 0 if outcome.ok else 1


def cmd_status(args) -> int:
    from dagster_project.runner import latest_run_checks

    settings = _settings(args)
    if not settings.warehouse.exists():
        console.print(f"no warehouse at {settings.warehouse} yet: run `chaxin run`")
        return 1
    views.ledger(settings)
    views.quarantine(settings)
    latest = latest_run_checks(settings)
    if latest:
        run_id, status, checks = latest
        console.print(f"latest warehouse run {run_id[:8]}: {status}")
        views.checks(checks)
    if settings.bi.exists():
        views.completeness(settings)
    return 0


def cmd_quality(args) -> int:
    from dagster_project.partitions import parse_period_key
    from warehouse import connect
    from reports.service_lists import COMPLETENESS_HEADERS, completeness_rows
    from reports.xlsx import write_workbook

    settings = _settings(args)
    parse_period_key(args.period)
    if not settings.bi.exists():
        console.print("[bold red]error:[/] nothing published yet: run `chaxin run`")
        return 1
    con = connect(settings.bi, read_only=True)
    try:
        rows = completeness_rows(con, args.period)
    finally:
        con.close()
    if args.out:
        write_workbook(Path(args.out), {args.period: (COMPLETENESS_HEADERS, rows)})
        console.print(f"{len(rows)} incomplete enterprise clients of {args.period} written to {args.out}")
        return 0
    table = Table(*COMPLETENESS_HEADERS[:4], title=f"completeness {args.period}: {len(rows)} enterprise clients to complete")
    for row in rows:
        table.add_row(*(str(v) if v is not None else "" for v in row[:4]))
    console.print(table)
    return 0


def cmd_actions(args) -> int:
    from dagster_project.partitions import parse_period_key
    from reports.service_lists import ALL_SHEET, action_list_sheets
    from reports.xlsx import write_workbook
    from warehouse import connect

    settings = _settings(args)
    grain, *_ = parse_period_key(args.quarter)
    if grain != "quarter" or not settings.bi.exists():
        console.print("[bold red]error:[/] give a quarter such as 2010Q4, after `chaxin run` has published")
        return 1
    con = connect(settings.bi, read_only=True)
    try:
        if args.out:
            sheets = action_list_sheets(con, args.quarter)
            write_workbook(Path(args.out), sheets)
            console.print(f"{len(sheets[ALL_SHEET][1])} rows for {len(sheets) - 1} searchers written to {args.out}")
            return 0
        actions = con.execute("""
            select searcher, display_name, action_zh, origin_period_key, due_date, status
            from bi_mart_action_plan where period_key = ? order by searcher, status desc, due_date""",
            [args.quarter]).fetchall()
        targets = con.execute("""select searcher, display_name, reason from bi_mart_survey_targets
                                 where period_key = ? order by searcher, display_name""", [args.quarter]).fetchall()
    finally:
        con.close()
    table = Table("searcher", "client", "action", "from", "due", "status", title=f"action plan {args.quarter}")
    for searcher, client, action, origin, due, status in actions:
        style = {"done": "green", "overdue": "bold red"}.get(status, "")
        table.add_row(searcher or "", client, action, origin, str(due), f"[{style}]{status}[/]" if style else status)
    console.print(table)
    table = Table("searcher", "client", "reason", title=f"survey targets {args.quarter}")
    for row in targets:
        table.add_row(*(str(v or "") for v in row))
    console.print(table)
    return 0


def cmd_report(args) -> int:
    from reports.period_report import write_period_report

    settings = _settings(args)
    if not settings.bi.exists():
        console.print("[bold red]error:[/] nothing published yet: run `chaxin run`")
        return 1
    with console.status(f"writing the {args.period} report"):
        path = write_period_report(settings.bi, args.period, Path(args.out) if args.out else settings.reports_dir)
    console.print(f"report written: {path}")
    return 0


COMMANDS = {"demo": cmd_demo, "ingest": cmd_ingest, "run": cmd_run, "status": cmd_status, "actions": cmd_actions,
            "quality": cmd_quality, "report": cmd_report}

if __name__ == "__main__":
    sys.exit(main())
