"""The period report: one self-contained HTML page per period (plotly.js inlined, no network at
view time) with the paper's views of the station — tiers, transitions, source mix, loyalty
against R&D, satisfaction over time, retention and churn per tier, the key clients at risk,
value clients, the rising R&D directions of the main industries and recommended services. Every
number on the page is read from the published BI file."""
from __future__ import annotations

import datetime as dt
from contextlib import closing
from pathlib import Path

import plotly.graph_objects as go
from jinja2 import Environment, FileSystemLoader, select_autoescape
from plotly.offline import get_plotlyjs

from warehouse import connect, reads
from warehouse.files import written_atomically
from warehouse.periods import parse_period_key

from .service_lists import NATURE_ZH, TIER_ZH

TIER_COLOURS = {"key": "#c00000", "potential_key": "#ed7d31", "general": "#4472c4"}
CHART_WIDTH = 700      # px: fits the printable width of A4 portrait, so a printed chart is never cut
FIRST_TIER = "新增"     # a client without a tier in the previous period
RETENTION_ZH = {"none": "上期无等级", "all": "全部客户"}   # mart_retention's buckets beyond the tiers
TEMPLATES = Environment(loader=FileSystemLoader(Path(__file__).with_name("templates")),
                        autoescape=select_autoescape(["html"]))


def latest_closed_periods(bi_file: Path, today: dt.date) -> list[str]:
    """The latest year and Five-Year Plan with commissions that ended before today."""
    with closing(connect(bi_file, read_only=True)) as con:
        keys = reads.tiered_periods(con)
    closed = {}
    for grain, key in keys:
        if parse_period_key(key)[2] < today and key > closed.get(grain, ""):
            closed[grain] = key
    return [closed[g] for g in ("year", "five_year") if g in closed]


def report_path(out_dir: Path, period_key: str) -> Path:
    return out_dir / f"period_report_{period_key}.html"


def write_period_report(bi_file: Path, period_key: str, out_dir: Path) -> Path:
    grain, start, end = parse_period_key(period_key)
    with closing(connect(bi_file, read_only=True)) as con:
        page = _render(con, grain, period_key, f"{start} – {end}")
    path = report_path(out_dir, period_key)
    with written_atomically(path) as temp:
        temp.write_text(page, encoding="utf-8")
    return path


def _render(con, grain: str, key: str, window: str) -> str:
    tiers = reads.tier_counts(con, grain, key)
    transitions = [(TIER_ZH.get(previous, FIRST_TIER), TIER_ZH[tier], n)
                   for previous, tier, n in reads.tier_transitions(con, grain, key)]
    previous = reads.previous_period(con, grain, key)
    mix = [(NATURE_ZH.get(nature, nature), *rest) for nature, *rest in reads.source_mix(con, grain, key)]
    points = reads.enterprise_points(con, grain, key)
    # over time: every year (every quarter, for a quarter's report) up to the period's end
    satisfaction = reads.satisfaction_until(con, "quarter" if grain == "quarter" else "year",
                                            key[-4:] if grain == "five_year" else key)
    value = reads.top_value_clients(con, grain, key, limit=10)
    retention = [(RETENTION_ZH.get(tier, TIER_ZH.get(tier)), *rest) for tier, *rest in reads.retention(con, grain, key)]
    end = parse_period_key(key)[2]     # the outlook at the end of the last year closed by the period's end
    outlook_year = end.year if (end.month, end.day) == (12, 31) else end.year - 1
    at_risk = [(name, TIER_ZH[tier], *rest) for name, tier, *rest in reads.at_risk_clients(con, outlook_year)]
    recommended = reads.recommended_products(con)
    directions_year = int(key[-4:] if grain == "five_year" else key[:4])   # the period's last year
    directions = reads.rising_directions(con, directions_year) if reads.has_table(
        con, "bi_mart_research_directions") else []
    published_at = reads.published_at(con)
    loyalty_high, rd_strong = reads.quadrant_thresholds(con)

    figures = {
        "tiers": _figure(go.Bar(x=[TIER_ZH[t] for t in TIER_ZH], y=[tiers.get(t, 0) for t in TIER_ZH],
                                marker_color=list(TIER_COLOURS.values()), text=[tiers.get(t, 0) for t in TIER_ZH])),
        "transitions": _transitions_figure(transitions),
        "source_mix": _figure(go.Pie(labels=[m[0] for m in mix], values=[m[1] for m in mix], hole=0.4)),
        "loyalty_rd": _scatter(points, loyalty_high, rd_strong),
        "satisfaction": _satisfaction(satisfaction),
        "retention": _retention(retention),
        "recommendations": _figure(go.Bar(x=[r[1] for r in recommended], y=[r[0] for r in recommended],
                                          orientation="h")),
    }
    return TEMPLATES.get_template("period_report.html").render(
        title=f"查新客户分析报告 {key}", period_key=key, window=window, published_at=published_at,
        plotly_js=get_plotlyjs(), figures=figures,
        tiers=[(t, TIER_ZH[t], tiers.get(t, 0)) for t in TIER_ZH], tiered_total=sum(tiers.values()),
        transitions=transitions, previous_period=previous, source_mix=mix, value_clients=value,
        retention=retention, at_risk=at_risk, outlook_year=outlook_year,
        recommendations_as_of=recommended[0][2] if recommended else "",
        directions=directions, directions_year=directions_year,
    )


def _figure(*traces, **layout) -> str:
    figure = go.Figure(data=list(traces))
    figure.update_layout(width=CHART_WIDTH, height=360, margin=dict(l=40, r=20, t=20, b=40), **layout)
    return figure.to_html(full_html=False, include_plotlyjs=False, config={"displayModeBar": False})


def _transitions_figure(transitions) -> str:
    sources = sorted({p for p, _, _ in transitions})
    targets = list(TIER_ZH.values())
    labels = [f"{s}（上期）" for s in sources] + targets
    link = dict(source=[sources.index(p) for p, _, _ in transitions],
                target=[len(sources) + targets.index(t) for _, t, _ in transitions],
                value=[n for _, _, n in transitions])
    return _figure(go.Sankey(node=dict(label=labels, pad=20), link=link))


def _scatter(points, loyalty_high: float, rd_strong: float) -> str:
    """Loyalty against R&D per client, with the build's thresholds (bi_settings) as the quadrant lines."""
    traces = [go.Scatter(x=[p[0] for p in points if p[2] == tier], y=[p[1] for p in points if p[2] == tier],
                         mode="markers", name=tier, marker=dict(color=TIER_COLOURS.get(tier, "#a5a5a5"), size=7,
                                                                 opacity=0.7))
              for tier in [*TIER_COLOURS, "untiered"]]
    for trace in traces:
        trace.name = TIER_ZH.get(trace.name, "未分级")
    return _figure(*traces, xaxis_title=f"R&D strength points (strong ≥ {rd_strong:g})",
                   yaxis_title=f"loyalty points (high ≥ {loyalty_high:g})",
                   shapes=[dict(type="line", x0=rd_strong, x1=rd_strong, y0=0, y1=100, line=dict(dash="dot")),
                           dict(type="line", x0=0, x1=100, y0=loyalty_high, y1=loyalty_high, line=dict(dash="dot"))])


def _satisfaction(rows) -> str:
    periods = [r[0] for r in rows]
    return _figure(go.Scatter(x=periods, y=[r[1] for r in rows], name="CSAT (0-1)", yaxis="y"),
                   go.Scatter(x=periods, y=[r[2] for r in rows], name="NPS (%)", yaxis="y2"),
                   yaxis=dict(title="CSAT", range=[0, 1]),
                   yaxis2=dict(title="NPS", overlaying="y", side="right", range=[-100, 100]))


def _retention(rows) -> str:
    """Per tier of the previous period: its clients retained and lost, the churn rate on the bar."""
    tiers = [r[0] for r in rows if r[1]]
    shown = [r for r in rows if r[1]]
    return _figure(go.Bar(x=tiers, y=[r[2] for r in shown], name="保持 retained", marker_color="#4472c4"),
                   go.Bar(x=tiers, y=[r[3] for r in shown], name="流失 lost", marker_color="#c00000",
                          text=[f"流失率 {r[4]:.0%}" for r in shown], textposition="outside"),
                   barmode="stack", yaxis_title="clients active in the previous period")
