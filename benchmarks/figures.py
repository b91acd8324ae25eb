"""The benchmark's figures against the goals of SPEC §8 / issue 11: a table to print, and the results
files for the README (benchmarks/results/runs.json, one entry per size, and runs.md made from it)."""
from __future__ import annotations

import json
import os
import platform
from pathlib import Path

from rich.table import Table

RESULTS = Path(__file__).with_name("results")
GB = 10**9
UNDER_READERS = "new quarter (PostgreSQL), 20 readers"
ON_SERVER = {"first build (PostgreSQL)": "first build", "new quarter (PostgreSQL)": "new quarter",
             UNDER_READERS: "new quarter"}
ORDER = ["first build", "unchanged", "new quarter", "baseline", "ingest", *ON_SERVER]
GROWTH = ["first build", "unchanged", "new quarter", "ingest", "baseline", *ON_SERVER]   # a column each
WHAT = {
    "first build": "`chaxin run`, fresh warehouse, inbox without its last quarter",
    "unchanged": "`chaxin run` again, nothing new",
    "new quarter": "`chaxin run` after the last quarter's files arrive",
    "baseline": "DuckDB read_csv + calamine, the whole inbox",
    "ingest": "`chaxin ingest`, the whole inbox, fresh warehouse",
    "first build (PostgreSQL)": "`chaxin run` on the station server, empty database, inbox without its last quarter",
    "new quarter (PostgreSQL)": "`chaxin run` on the server after the quarter's files arrive, nobody reading",
    UNDER_READERS: "the same on the server, while 20 BI sessions loop over the BI queries",
}


def goal(name: str, n: int, entry: dict) -> tuple[str, str, bool | None]:
    """(the goal, the figure it is judged on, met?) for one command; met is None where no goal applies."""
    commands = entry["commands"]
    c = commands[name]
    if name in ON_SERVER:
        beside = f"{c['seconds'] / commands[ON_SERVER[name]]['seconds']:.2f}× DuckDB's"
        if name != UNDER_READERS:
            return "", beside, None
        r = entry["readers"]
        half_built = r["half_built"] + r["went_back"]
        return ("20 BI readers: none failed or half-built",
                f"{beside}; {r['done']:,} queries ({r['pause_s']:g} s apart), {r['failed']} failed, "
                f"{half_built} half-built, "
                f"p50 {r['p50_ms']:.0f} ms, p95 {r['p95_ms']:.0f} ms",
                r["failed"] == half_built == 0 and r["crossed"] == r["sessions"] and r["whole_snapshots"])
    if name == "first build":
        return ("≤ 120 s and ≤ 2.5 GB (at 1 M)", f"{c['seconds']:.0f} s, {c['peak_mib'] * 2**20 / GB:.2f} GB",
                c["seconds"] <= 120 and c["peak_mib"] * 2**20 <= 2.5 * GB)
    if name == "unchanged":
        limit = 15 if n >= 1_000_000 else 10
        return f"≤ {limit} s", f"{c['seconds']:.1f} s", c["seconds"] <= limit
    if name == "new quarter":
        share = c["seconds"] / commands["first build"]["seconds"]
        return "≤ 20 % of the first build", f"{share:.0%}", share <= 0.20
    if name == "ingest":
        ratio = c["seconds"] / commands["baseline"]["seconds"]
        alone = c["steps"].get("ingest", float("nan")) / commands["baseline"]["steps"]["read"]
        return "≤ 1.5× the baseline", f"{ratio:.2f}× (ingest step alone {alone:.2f}× the read alone)", ratio <= 1.5
    return "", "", None


def cells(name: str, n: int, entry: dict, met_words: dict) -> list[str]:
    """One command's row after its name: seconds, rows, rows / s, peak, goal, figure, met (in
    met_words: True, False, None and "exit", which takes the exit code) and the slowest steps."""
    c = entry["commands"][name]
    wanted, figure, met = goal(name, n, entry)
    shown = met_words["exit"].format(c["exit"]) if c["exit"] else met_words[met]
    return [f"{c['seconds']:.1f}", f"{c['rows']:,}" if c["rows"] is not None else "", rows_per_second(c),
            peak(c), wanted, figure, shown, where_time_goes(c)]


MARKDOWN_MET = {True: "yes", False: "**no**", None: "", "exit": "exit {}"}
CONSOLE_MET = {True: "[green]yes[/]", False: "[red]no[/]", None: "", "exit": "[red]exit {}[/]"}


def markdown_row(name: str, n: int, entry: dict) -> str:
    return "| " + " | ".join([name, WHAT[name], *cells(name, n, entry, MARKDOWN_MET)]) + " |"


def peak(c: dict) -> str:
    """Peak MiB, and the step running then (entries before 2026-12-06 did not record it)."""
    return f"{c['peak_mib']:,}" + (f" in {c['peak_step']}" if c.get("peak_step") else "")


def rows_per_second(c: dict) -> str:
    return f"{c['rows'] / c['seconds']:,.0f}" if c["rows"] else ""


def where_time_goes(c: dict, top: int = 3) -> str:
    steps = sorted(c["steps"].items(), key=lambda s: -s[1])[:top]
    return ", ".join(f"{name} {seconds:.1f}" for name, seconds in steps)


def title(n: int, entry: dict) -> str:
    return (f"~{n:,} commissions: {entry['commissions']:,} commissions, {entry['inbox_mib']} MiB of exports, "
            f"new quarter {entry['quarter']}; {entry['date']}, {entry['machine']}"
            + (f", load average {entry['load_average']} at the start" if "load_average" in entry else ""))


def table(n: int, entry: dict) -> Table:
    out = Table("command", "seconds", "rows", "rows / s", "peak MiB", "goal", "figure", "met",
                "slowest steps (s)", title=title(n, entry))
    for name in measured(entry):
        out.add_row(name, *cells(name, n, entry, CONSOLE_MET))
    return out


def measured(entry: dict) -> list[str]:
    return [name for name in ORDER if name in entry["commands"]]


def on_server(entry: dict) -> bool:
    return any(name in entry["commands"] for name in ON_SERVER)


def server_run(entry: dict) -> dict | None:
    """The station server's rows of an entry, with the DuckDB rows of the same run that their ratios
    are taken against (a run without --postgres keeps the last server run's rows this way)."""
    if not on_server(entry):
        return entry.get("server_earlier")
    kept = {*ON_SERVER, *ON_SERVER.values()}
    return {**{k: v for k, v in entry.items() if k != "server_earlier"},
            "commands": {name: c for name, c in entry["commands"].items() if name in kept}}


def machine() -> str:
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores, {memory:.0f} GiB, {platform.system()} {platform.machine()}"


def save(n: int, entry: dict) -> Path:
    """Merge this size's entry into runs.json (the other sizes keep theirs) and rewrite runs.md."""
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / "runs.json"
    results = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    if str(n) in results and not on_server(entry):
        if (earlier := server_run(results[str(n)])) is not None:
            entry = {**entry, "server_earlier": earlier}
    results[str(n)] = entry
    results = dict(sorted(results.items(), key=lambda kv: int(kv[0])))
    path.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    (RESULTS / "runs.md").write_text(markdown(results), encoding="utf-8")
    return path


HEADER = ["| command | what | seconds | rows | rows / s | peak MiB | goal | figure | met | slowest steps (s) |",
          "|---|---|---|---|---|---|---|---|---|---|"]


def markdown(results: dict) -> str:
    lines = ["# chaxin run benchmark (benchmarks/runs.py)", "",
             "Seconds are wall time of the whole command, start-up included; memory is the peak of its "
             "process tree.", ""]
    for size, entry in results.items():
        n = int(size)
        lines += [f"## {title(n, entry)}", "", *HEADER, *(markdown_row(name, n, entry) for name in measured(entry))]
        if "server_earlier" in entry:
            earlier = entry["server_earlier"]
            lines += ["", f"On the station server, from an earlier run ({title(n, earlier)}); its ratios are "
                      f"to that run's DuckDB rows (first build {earlier['commands']['first build']['seconds']:.1f} s, "
                      f"new quarter {earlier['commands']['new quarter']['seconds']:.1f} s):", "", *HEADER,
                      *(markdown_row(name, n, earlier) for name in ON_SERVER if name in earlier["commands"])]
        lines.append("")
    lines += ["## How the time grows", "", "| commissions | first build s | unchanged s | new quarter s | "
              "ingest s | baseline s | PostgreSQL first build s | PostgreSQL new quarter s | "
              "PostgreSQL new quarter s, 20 readers |",
              "|---|---|---|---|---|---|---|---|---|"]
    earlier_run = False
    for entry in results.values():
        s = {name: f"{entry['commands'][name]['seconds']:.1f}" if name in entry["commands"] else ""
             for name in GROWTH}
        for name, c in (entry.get("server_earlier") or {}).get("commands", {}).items():
            if name in ON_SERVER:    # not comparable with this row's DuckDB seconds, which are another run's
                s[name], earlier_run = f"{c['seconds']:.1f} †", True
        lines.append(f"| {entry['commissions']:,} | " + " | ".join(s[name] for name in GROWTH) + " |")
    if earlier_run:
        lines += ["", "† from an earlier run on the station server, shown under its size with the DuckDB rows "
                  "of that run."]
    return "\n".join(lines) + "\n"
