"""How the CLI shows things: rich tables a person can read, from the warehouse and the run."""
from __future__ import annotations

from contextlib import contextmanager

from rich.console import Console
from rich.table import Table

from .settings import Settings

console = Console(soft_wrap=True)   # a message is one line, however long; tables still fit
error_console = Console(stderr=True, soft_wrap=True)
DATA_DOCS = "gx/uncommitted/data_docs/local_site/index.html"   # inside the quality folder
STATUS_STYLE = {"loaded": "green", "duplicate": "yellow", "rejected": "bold red"}


@contextmanager
def reading(settings: Settings, relations: list[str] | None = None):
    """A read-only DuckDB connection to the warehouse (relations: what it must hold; None: the published
    data), or None (said in one line) when another process holds the file read-write: what the CLI
    shows must never turn a run's outcome into a traceback. On the station server: copies of the
    server's relations (warehouse/reading.py)."""
    import duckdb

    from warehouse.reading import read_published, read_warehouse

    opened = read_published(settings) if relations is None else read_warehouse(settings, relations)
    try:
        con = opened.__enter__()
    except duckdb.IOException as e:
        console.print(f"[yellow]cannot read {settings.bi if relations is None else settings.warehouse}:[/] "
                      f"{str(e).splitlines()[0]}")
        yield None
        return
    try:
        yield con
    finally:
        opened.__exit__(None, None, None)


def published_name(settings: Settings) -> str:
    """Where readers find the published data, for messages."""
    return "schema bi on the station server" if settings.target == "postgres" else str(settings.bi)


def ledger(settings: Settings, run_id: str | None = None) -> None:
    """The whole ledger, or the files one run ingested (its own rows: not a concurrent run's)."""
    if settings.target == "duckdb" and not settings.warehouse.exists():
        return
    from warehouse.reads import ingested_files

    with reading(settings, ["raw.ingested_files"]) as con:
        if con is None:
            return
        ledger = ingested_files(con, run_id)
    if run_id is not None and not ledger:
        console.print("no new file in the inbox: nothing ingested")
        return
    table = Table("file", "status", "family", "encoding", "rows",
                  title="ingested by this run" if run_id else "raw.ingested_files")
    for file, status, family, encoding, rows, _ in ledger:
        table.add_row(file, f"[{STATUS_STYLE[status]}]{status}[/]", family or "", encoding or "", f"{rows:,}")
    console.print(table)
    for file, status, *_, reason in ledger:
        if status == "rejected":
            console.print(f"[bold red]error:[/] {file} rejected: {reason}")
        elif status == "duplicate":
            console.print(f"[yellow]skipped:[/] {file} is {reason}")


def quarantine(settings: Settings) -> None:
    from warehouse.reads import quarantine_counts

    with reading(settings, ["quarantine.rejected_rows", "quarantine.value_flags"]) as con:
        if con is None:
            return
        counts = quarantine_counts(con)
    if counts is None:
        console.print("quarantine not built yet: run `chaxin run`")
        return
    table = Table("family", "file", "rejected rows", "nulled values", title="quarantine")
    for family, file, rejected, flagged in counts:
        table.add_row(family, file, f"{rejected:,}", f"{flagged:,}")
    console.print(table)


def checks(outcomes) -> None:
    """Every failed check as a row: what it checks, whether it blocks, and what it found."""
    failed = [c for c in outcomes if not c.passed]
    if not outcomes:
        return
    console.print(f"checks: {len(outcomes) - len(failed)} of {len(outcomes)} passed")
    if not failed:
        return
    table = Table(title="failed checks")
    for column in ("asset", "check", "kind", "what failed"):
        table.add_column(column, overflow="fold")   # wrapped, never cut: a person needs all of it
    for check in failed:
        found, rows = check.metadata.get("failures"), check.metadata.get("dagster_dbt/failed_row_count")
        detail = ("; ".join(f"{f['column']}: {', '.join(f['sample'][:3])}" for f in found) if found
                  else f"{rows} failing rows" if rows is not None else "")
        kind = "[bold red]blocking[/]" if check.blocking else "[yellow]warning[/]"
        table.add_row(check.asset, check.name, kind, detail)
    console.print(table)


def failures(outcome) -> None:
    for failure in outcome.failures:
        console.print(f"[bold red]failed:[/] {failure}")


def completeness(settings: Settings) -> None:
    from warehouse.reads import completeness_counts

    with reading(settings) as con:
        if con is None:
            return
        counts = completeness_counts(con)
    table = Table("period", "incomplete enterprise clients", "of which no R&D profile", title="completeness")
    for period, n, no_profile in counts:
        table.add_row(period, str(n), str(no_profile))
    console.print(table)
    console.print(f"completeness report: {settings.reports_dir / 'completeness.xlsx'}  "
                  f"(any period: chaxin quality --period KEY --out FILE.xlsx)")
    console.print(f"data docs: {settings.quality_dir / DATA_DOCS}")


def five_year_summaries(settings: Settings) -> None:
    """Paper Table 4 and the §3 source mix for every five-year plan with commissions."""
    from warehouse.reads import five_year_source_mix, five_year_tiers

    with reading(settings, ["marts.mart_tier_summary", "marts.mart_source_mix"]) as con:
        if con is None:
            return
        tiers, mix = five_year_tiers(con), five_year_source_mix(con)
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


def alias_candidates(rows: list[tuple]) -> None:
    """The duplicate candidates as (alias, canonical, note, score), for staff to confirm."""
    pairs = f"{len(rows)} pair{'' if len(rows) == 1 else 's'}"
    table = Table("alias_name", "canonical_name", "score", "evidence",
                  title=f"duplicate candidates: {pairs} (confirm into the alias seed)")
    for alias, canonical, note, score in rows:
        table.add_row(alias, canonical, f"{score:g}", note.split(": ", 1)[-1])
    console.print(table)


def completeness_gaps(period: str, rows: list[tuple]) -> None:
    from reports.service_lists import COMPLETENESS_HEADERS

    table = Table(*COMPLETENESS_HEADERS[:4], title=f"completeness {period}: {len(rows)} enterprise clients to complete")
    for row in rows:
        table.add_row(*(str(v) if v is not None else "" for v in row[:4]))
    console.print(table)


def action_list(quarter: str, as_of, actions: list[tuple], targets: list[tuple]) -> None:
    """The quarter's actions by searcher, coloured by status, and its survey targets."""
    from reports.service_lists import STATUS_ZH

    table = Table("查新员", "客户名称", "事项", "来自季度", "到期日", "状态",
                  title=f"行动清单 action plan {quarter}, as of {as_of}")
    for searcher, client, action, origin, due, status in actions:
        style = {"done": "green", "done_late": "yellow", "overdue": "bold red"}.get(status, "")
        label = STATUS_ZH[status]
        table.add_row(searcher or "", client, action, origin, str(due), f"[{style}]{label}[/]" if style else label)
    console.print(table)
    table = Table("查新员", "客户名称", "原因", title=f"满意度调查 survey targets {quarter}")
    for row in targets:
        table.add_row(*(str(v or "") for v in row))
    console.print(table)
