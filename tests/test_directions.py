"""R&D directions (SPEC §5, 研发方向): a client's direction, the rising keywords per industry and
year, and the service recommendations naming the direction — worked out by hand from the titles.
The demo's titles read 基于<topic>的研究与开发 with a topic of dbt/seeds/station_terms.csv."""
from __future__ import annotations

import re
from collections import Counter, defaultdict

from .conftest import rows

DEMO_TITLE = re.compile(r"基于(.+)的研究与开发")


def counted_topics(con) -> list[tuple]:
    """(client_id, topic, year, commission industry, client industry) of every counted commission."""
    found = rows(con, """select c.client_id, c.title_zh, year(c.commission_date), c.industry, d.industry
                         from marts.fct_commission as c join marts.dim_client as d using (client_id)
                         where c.is_counted""")
    return [(client, DEMO_TITLE.fullmatch(title).group(1), year, industry, client_industry)
            for client, title, year, industry, client_industry in found]


def test_a_client_whose_titles_are_all_about_one_topic_has_that_direction(demo_built):
    con, *_ = demo_built
    topics, years = defaultdict(Counter), defaultdict(list)
    for client, topic, year, *_ in counted_topics(con):
        topics[client][topic] += 1
        years[client, topic].append(year)
    one_topic = {client: next(iter(c.items())) for client, c in topics.items() if len(c) == 1}
    assert len(one_topic) > 100   # clients with one commission are among them
    directions = {client: (top, n, since) for client, top, n, since in rows(
        con, "select client_id, top_direction, top_direction_n_commissions, top_direction_since from marts.dim_client")}
    for client, (topic, n) in one_topic.items():
        # its profile may name another topic (one more point for that one), but the titles' topic has
        # as many commissions, at least 1, and ties go to the keyword of the latest commission
        assert directions[client] == (topic, n, min(years[client, topic])), client
    assert any(n == 1 for _, n in one_topic.values())   # a client with one commission


def test_research_directions_count_commissions_per_industry_year_and_keyword(demo_built):
    con, *_ = demo_built
    counts = Counter()
    for _, topic, year, industry, client_industry in counted_topics(con):
        counts[industry or client_industry or "unclassified", year, topic] += 1
    mart = {(i, y, k): (n, previous, growth) for i, y, k, n, previous, growth in rows(
        con, """select industry, year, keyword, n_commissions, n_commissions_previous_year, growth
                from marts.mart_research_directions""")}
    expected = {(i, y, k): (n, counts[i, y - 1, k], n - counts[i, y - 1, k]) for (i, y, k), n in counts.items()}
    assert mart == expected
    # the rising keywords first: growth_rank 1 has the largest growth of its industry and year
    for industry, year, keyword, growth in rows(con, """select industry, year, keyword, growth
                                                         from marts.mart_research_directions where growth_rank = 1"""):
        assert growth == max(g for (i, y, _), (_, _, g) in expected.items() if (i, y) == (industry, year))


def test_a_recommendation_names_the_clients_direction(demo_built):
    con, *_ = demo_built
    fired = rows(con, """select r.reason, r.direction, d.top_direction, d.top_direction_n_commissions,
                                d.top_direction_since
                         from marts.mart_service_recommendations as r join marts.dim_client as d using (client_id)
                         where r.rules like '%recent_project_approval%'""")
    assert fired
    for reason, direction, top, n, since in fired:
        assert direction == f"{top} — {n} commission{'' if n == 1 else 's'} since {since}"
        assert f"a field-trend analysis of {direction} supports the next proposal" in reason


def test_titles_without_keywords_are_harmless(built):
    """The fixture inbox: titles in Chinese, none, or a file in English without a title column."""
    con, *_ = built
    keywords = rows(con, """select c.commission_no, c.title_zh, k.keyword
                            from intermediate.int_commissions_identified as c
                            left join intermediate.int_commission_keywords_extracted as k using (commission_no)
                            order by all""")
    assert any(keyword for *_, keyword in keywords)
    for _, title, keyword in keywords:
        if not title or not re.search(r"[\u4e00-\u9fff]", title):
            assert keyword is None
        else:
            assert keyword is None or (len(keyword) >= 2 and keyword in title)
    # every client is still in dim_client, with or without a direction
    assert rows(con, "select count(*) from marts.dim_client")[0][0] == rows(
        con, "select count(distinct client_id) from intermediate.int_commissions_identified")[0][0]
