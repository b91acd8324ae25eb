"""The chaxin command: arguments in, readable tables out, exit codes; the rules live elsewhere."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from .settings import Settings

console = Console()
STATUS_STYLE = {"loaded": "green", "duplicate": "yellow", "rejected": "bold red", "unchanged": "dim"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="chaxin", description="Client warehouse of a novelty-search station")
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="write the demo inbox (a synthetic station)")
    demo.add_argument("dir", nargs="?", help="where to write it (default: the inbox)")
    demo.add_argument("--commissions", type=int, help="scale to about N commissions (default: ~4,640)")
    demo.add_argument("--seed", type=int, default=None, help="random seed (same seed, same bytes)")

    for name, text in (("ingest", "load the inbox into raw only"),
                       ("run", "ingest, then build and test the warehouse with dbt"),
                       ("status", "list ingested files and quarantine counts")):
        p = sub.add_parser(name, help=text)
        p.add_argument("--inbox")
        p.add_argument("--warehouse")
        p.add_argument("--bi")

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


def cmd_ingest(args) -> int:
    from ingest import ingest_inbox
    from ingest.load import inbox_files
    from warehouse import connect

    settings = _settings(args)
    files = inbox_files(settings.inbox) if settings.inbox.is_dir() else []
    con = connect(settings.warehouse)
    try:
        with Progress(TextColumn("[bold]ingest"), BarColumn(), MofNCompleteColumn(),
                      TextColumn("{task.description}"), console=console, transient=True) as progress:
            task = progress.add_task("", total=len(files))
            results = ingest_inbox(con, settings.inbox,
                                   on_file=lambda r: progress.update(task, advance=1, description=r.file))
    finally:
        con.close()
    console.print(_files_table(results))
    for r in results:
        if r.status == "rejected":
            console.print(f"[bold red]error:[/] {r.file} rejected: {r.reason}")
        elif r.status == "duplicate":
            console.print(f"[yellow]skipped:[/] {r.file} is {r.reason}")
    return 0


def cmd_run(args) -> int:
    from warehouse.transform import build

    if cmd_ingest(args) != 0:
        return 1
    settings = _settings(args)
    with console.status("dbt build: staging, quarantine, intermediate, marts, bi (with tests)"):
        outcome = build(settings.warehouse)
    console.print(f"dbt build: {outcome.summary}")
    for failure in outcome.failures:
        console.print(f"[bold red]failed:[/] {failure}")
    _print_quarantine(settings)
    if outcome.ok:
        _print_five_year_summaries(settings)
    return 0 if outcome.ok else 1


def cmd_status(args) -> int:
    from warehouse import connect

    settings = _settings(args)
    if not settings.warehouse.exists():
        console.print(f"no warehouse at {settings.warehouse} yet: run `chaxin ingest`")
        return 1
    con = connect(settings.warehouse, read_only=True)
    try:
        ledger = con.execute("""select file, status, family, encoding, rows, blank_rows, reason
                                from raw.ingested_files order by load_id""").fetchall()
    finally:
        con.close()
    table = Table("file", "status", "family", "encoding", "rows", "blank", title="raw.ingested_files")
    for file, status, family, encoding, rows, blank, reason in ledger:
        table.add_row(file, f"[{STATUS_STYLE[status]}]{status}[/]", family or "", encoding or "",
                      f"{rows:,}", str(blank))
    console.print(table)
    for file, status, *_, reason in ledger:
        if reason:
            console.print(f"[{STATUS_STYLE[status]}]{status}:[/] {file}: {reason}")
    _print_quarantine(settings)
    return 0


def _files_table(results) -> Table:
    table = Table("file", "status", "family", "encoding", "rows", title="this ingest")
    for r in results:
        table.add_row(r.file, f"[{STATUS_STYLE[r.status]}]{r.status}[/]", r.family or "", r.encoding or "",
                      f"{r.rows:,}" if r.status == "loaded" else "")
    return table


def _print_quarantine(settings: Settings) -> None:
    from warehouse import connect
    from warehouse.transform import quarantine_counts

    con = connect(settings.warehouse)   # dbt's in-process instance may still hold the file
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


COMMANDS = {"demo": cmd_demo, "ingest": cmd_ingest, "run": cmd_run, "status": cmd_status}

if __name__ == "__main__":
    sys.exit(main())
