"""The chaxin command: arguments in, readable tables out, exit codes; the rules live elsewhere.

`ingest` and `run` execute jobs of the one Dagster Definitions in-process (dagster_project.runner),
so the CLI and the UI run the same assets and checks, and CLI runs show in `dagster dev`.
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table

from .settings import Settings

console = Console()
STATUS_STYLE = {"loaded": "green", "duplicate": "yellow", "rejected": "bold red"}


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
                       ("actions", "a quarter's action list and survey targets for service staff")):
        p = sub.add_parser(name, help=text)
        p.add_argument("--inbox")
        p.add_argument("--warehouse")
        p.add_argument("--bi")
        if name == "actions":
            p.add_argument("--quarter", required=True, help="e.g. 2010Q4")

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


def _run(settings: Settings, job_name: str, what: str):
    from dagster_project.runner import run_job

    started = dt.datetime.now()
    log_file = settings.dagster_home / "logs" / f"{job_name}.log"
    with console.status(f"{what} (Dagster job {job_name}, in-process)"):
        outcome = run_job(settings, job_name, log_file=log_file)
    _print_ledger(settings, since=started)
    if not outcome.ok:
        console.print(f"the run's dbt log: {log_file}")
    return outcome


def cmd_ingest(args) -> int:
    settings = _settings(args)
    if not settings.inbox.is_dir():
        console.print(f"[bold red]error:[/] inbox {settings.inbox} does not exist")
        return 1
    outcome = _run(settings, "ingest_job", "ingesting the inbox")
    _print_failures(outcome)
    return 0 if outcome.ok else 1


def cmd_run(args) -> int:
    settings = _settings(args)
    if not settings.inbox.is_dir():
        console.print(f"[bold red]error:[/] inbox {settings.inbox} does not exist")
        return 1
    outcome = _run(settings, "warehouse_job", "ingest, dbt build with tests, publish")
    _print_quarantine(settings)
    _print_checks(outcome.checks)
    _print_failures(outcome)
    if "bi/published_file" in outcome.materialized:
        _print_five_year_summaries(settings)
        console.print(f"[green]published[/] {settings.bi}")
    else:
        console.print(f"[bold red]not published:[/] {settings.bi} is unchanged")
    return 0 if outcome.ok else 1


def cmd_status(args) -> int:
    from dagster_project.runner import latest_run_checks

    settings = _settings(args)
    if not settings.warehouse.exists():
        console.print(f"no warehouse at {settings.warehouse} yet: run `chaxin run`")
        return 1
    _print_ledger(settings)
    _print_quarantine(settings)
    latest = latest_run_checks(settings)
    if latest:
        run_id, status, checks = latest
        console.print(f"latest warehouse run {run_id[:8]}: {status}")
        _print_checks(checks)
    return 0


def cmd_actions(args) -> int:
    from dagster_project.partitions import parse_period_key
    from warehouse import connect

    settings = _settings(args)
    grain, *_ = parse_period_key(args.quarter)
    if grain != "quarter" or not settings.bi.exists():
        console.print("[bold red]error:[/] give a quarter such as 2010Q4, after `chaxin run` has published")
        return 1
    con = connect(settings.bi, read_only=True)
    try:
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


def _print_ledger(settings: Settings, since: dt.datetime | None = None) -> None:
    from warehouse import connect

    if not settings.warehouse.exists():
        return
    con = connect(settings.warehouse)
    try:
        ledger = con.execute("""select file, status, family, encoding, rows, reason from raw.ingested_files
                                where ingested_at >= coalesce(?, '-infinity'::timestamp) order by load_id""",
                             [since]).fetchall()
    finally:
        con.close()
    if since is not None and not ledger:
        console.print("no new file in the inbox: nothing ingested")
        return
    table = Table("file", "status", "family", "encoding", "rows",
                  title="ingested by this run" if since else "raw.ingested_files")
    for file, status, family, encoding, rows, _ in ledger:
        table.add_row(file, f"[{STATUS_STYLE[status]}]{status}[/]", family or "", encoding or "", f"{rows:,}")
    console.print(table)
    for file, status, *_, reason in ledger:
        if status == "rejected":
            console.print(f"[bold red]error:[/] {file} rejected: {reason}")
        elif status == "duplicate":
            console.print(f"[yellow]skipped:[/] {file} is {reason}")


def _print_quarantine(settings: Settings) -> None:
    from warehouse import connect
    from warehouse.summaries import quarantine_counts

    con = connect(settings.warehouse)
    try:
        counts = quarantine_counts(con)
    finally:
        con.close()
    if counts is None:
        console.print("quarantine not built yet: run `chaxin run`")
        return
    table = Table("family", "file", "rejected rows", "nulled values", title="quarantine")
    for family, file, rejected, flagged in counts:
        table.add_row(family, file, f"{rejected:,}", f"{flagged:,}")
    console.print(table)


def _print_checks(checks) -> None:
    failed = [c for c in checks if not c.passed]
    console.print(f"checks: {len(checks) - len(failed)} of {len(checks)} passed")
    for check in failed:
        kind = "[bold red]blocking[/]" if check.blocking else "[yellow]warning[/]"
        console.print(f"  {kind} failed: {check.label}")


def _print_failures(outcome) -> None:
    for failure in outcome.failures:
        console.print(f"[bold red]failed:[/] {failure}")


def _print_five_year_summaries(settings: Settings) -> None:
    """Paper Table 4 and the §3 source mix for every five-year plan with commissions."""
    from warehouse import connect
    from warehouse.summaries import five_year_source_mix, five_year_tiers

    con = connect(settings.warehouse)
    try:
        tiers, mix = five_year_tiers(con), five_year_source_mix(con)
    finally:
        con.close()
    table = Table("period", "key", "potential_key", "general", "tiered (complete enterprises)",
                  title="marts.mart_tier_summary, five_year")
    for period, key, potential, general in tiers:
        table.add_row(period, str(key), str(potential), str(general), str(key + potential + general))
    console.print(table)
    table = Table("period", "nature", "clients", "client share", "commissions", "commission share",
                  title="marts.mart_source_mix, five_year")
    for period, nature, n_clients, client_share, n_commissions, commission_share in mix:
        table.add_row(period, nature, f"{n_clients:,}", f"{client_share:.1%}", f"{n_commissions:,}",
                      f"{commission_share:.1%}")
    console.print(table)


COMMANDS = {"demo": cmd_demo, "ingest": cmd_ingest, "run": cmd_run, "status": cmd_status, "actions": cmd_actions}

if __name__ == "__main__":
    sys.exit(main())
