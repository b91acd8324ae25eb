"""SPEC §5 outlook: the features by hand on SMALL_STATION, the model's no-look-ahead rule and its
bad inputs on frames, and its evaluation on the demo's hold-back year against the simple rule."""
from __future__ import annotations

import datetime as dt
from contextlib import closing

import numpy as np
import pandas as pd

from enrichment.outlook import MIN_TRAINING_ROWS, score
from warehouse import connect

from .conftest import rows


def frame(years: range, n_clients: int, seed: int = 1) -> pd.DataFrame:
    """Feature rows as marts.mart_outlook_features holds them; the last year's next year is open."""
    rng = np.random.default_rng(seed)
    parts = []
    for year in years:
        recent = rng.random(n_clients) < 0.7
        parts.append(pd.DataFrame({
            "year": year, "client_id": [f"c{i}" for i in range(n_clients)],
            "tier": rng.choice(["key", "potential_key", "general", "none"], n_clients),
            "loyalty_points": rng.uniform(0, 100, n_clients), "loyalty_change": rng.normal(0, 10, n_clients),
            "rd_points": rng.uniform(0, 100, n_clients), "csat": np.where(rng.random(n_clients) < 0.5, np.nan, 1.0),
            "mean_recognition": rng.uniform(1, 5, n_clients), "mean_cooperation": np.nan,
            "n_dissatisfied": rng.integers(0, 2, n_clients), "days_since_last_commission": rng.integers(0, 900, n_clients),
            "n_commissions": np.where(recent, rng.integers(1, 4, n_clients), 0),
            "n_recent_commissions": rng.integers(1, 6, n_clients), "n_recent_active_years": rng.integers(1, 4, n_clients),
            "n_commissions_to_date": rng.integers(1, 10, n_clients), "days_as_client": rng.integers(0, 2000, n_clients),
            "is_next_year_closed": year < years[-1],
            "n_commissions_next_year": np.where(year < years[-1], rng.poisson(0.8, n_clients), np.nan)}))
    return pd.concat(parts, ignore_index=True)


def test_a_score_never_sees_its_own_future():
    features = frame(range(2008, 2012), 80)
    outlook = score(features)
    scores = outlook.scores.to_pandas()
    # 2008 has no earlier year to learn from; each later year is fitted on the (three) years before it only
    assert sorted(scores.year.unique()) == [2009, 2010, 2011]
    assert (scores.fitted_through_year == scores.year - 1).all()
    assert scores.groupby("year").n_training_rows.first().to_dict() == {2009: 80, 2010: 160, 2011: 240}
    # what happened after 2010 (2010's outcomes, 2011's rows) changes no score of 2010 or before
    future = features.copy()
    later = future.year >= 2010
    future.loc[later, "n_commissions_next_year"] = np.where(future.year[later] == 2010, 0, np.nan)
    again = score(future).scores.to_pandas()
    pd.testing.assert_frame_equal(again[again.year <= 2010].reset_index(drop=True),
                                  scores[scores.year <= 2010].reset_index(drop=True))
    assert ((scores.p_active_next_year > 0) & (scores.p_active_next_year < 1)).all()
    # every year whose next year is known is a hold-back year, with its AUCs and calibration
    assert outlook.evaluation.column("year").to_pylist() == [2009, 2010]
    assert outlook.holdback["year"] == 2010 and 0 <= outlook.holdback["auc_model"] <= 1
    assert sum(outlook.calibration.to_pandas().query("year == 2010").n_clients) == 80


def test_too_few_rows_or_one_outcome_score_nothing_and_say_why():
    few = frame(range(2008, 2010), MIN_TRAINING_ROWS - 1)     # one client with one commission, and so on
    outlook = score(few)
    assert outlook.scores.num_rows == 0 and outlook.evaluation.num_rows == 0
    assert outlook.notes[-1] == (f"2009: not scored, {MIN_TRAINING_ROWS - 1} training rows from the years before "
                                 f"({int((few.query('year == 2008').n_commissions_next_year > 0).sum())} active the "
                                 f"next year); the model needs {MIN_TRAINING_ROWS} and both outcomes")
    nobody_returns = frame(range(2008, 2010), 100).assign(n_commissions_next_year=lambda f: f.n_commissions_next_year * 0)
    assert score(nobody_returns).scores.num_rows == 0
    assert score(frame(range(2008, 2010), 0)).scores.num_rows == 0    # no client at all


def test_small_station_features_by_hand_and_no_scores(small_station):
    with closing(connect(small_station.warehouse, read_only=True)) as con:
        # The data reaches 2010Q2: 2009 is the only closed year, and 甲 the only client active in
        # 2007-2009. 2009: potential_key, loyalty 70 (no 2008: change 70), ratings 5 and 5, R&D 38.5, no feedback;
        # last commission 2009-05-10 -> 235 days to 2009-12-31, first 2009-02-10 -> 324 days;
        # 2 commissions in 1 year; 2010 is not closed, so its commissions are not known yet.
        assert rows(con, """select year, display_name, tier, loyalty_points, loyalty_change, mean_recognition,
                                   mean_cooperation, rd_points, csat, n_dissatisfied, days_since_last_commission,
                                   features.n_commissions, n_recent_commissions, n_recent_active_years,
                                   n_commissions_to_date, days_as_client, is_next_year_closed, n_commissions_next_year
                            from marts.mart_outlook_features as features join marts.dim_client using (client_id)""") == [
            (2009, "北京甲科技有限公司", "potential_key", 70.0, 70.0, 5.0, 5.0, 38.5, None, 0, 235, 2, 2, 1, 2, 324,
             False, None)]
        # one client-year, no year before it to learn from: no scores, an empty mart, the run succeeded
        assert rows(con, "select count(*) from enrichment.client_outlook")[0][0] == 0
        assert rows(con, "select count(*) from marts.mart_client_outlook")[0][0] == 0


def test_the_model_beats_the_simple_rule_on_the_demos_holdback_year(demo_built):
    con, outcome, _ = demo_built
    # the demo's commissions run to 2015Q4: 2014 is the last year whose next year is known
    (year, n_clients, auc_model, auc_rule, brier_model, brier_rule), = rows(con, """
        select year, n_clients, auc_model, auc_rule, brier_model, brier_rule
        from enrichment.client_outlook_evaluation order by year desc limit 1""")
    print(f"\nhold-back {year}, {n_clients} clients: AUC model {auc_model:.3f} vs rule {auc_rule:.3f}; "
          f"Brier model {brier_model:.3f} vs rule {brier_rule:.3f}")
    assert year == 2014 and auc_model > auc_rule and brier_model < brier_rule
    metadata = outcome.materialized["enrichment/client_outlook"]
    assert metadata["hold-back year"].value == 2014 and metadata["AUC model"].value == auc_model
    assert "| 2014 |" in metadata["evaluation"].value
    # the scores of 2015 (its next year still open) are the ones the action plan reads
    assert rows(con, "select max(year), min(fitted_through_year) from marts.mart_client_outlook") == [(2015, 2006)]


def test_key_clients_at_risk_get_a_return_visit_in_the_action_list(demo_built, tmp_path):
    from python_calamine import CalamineWorkbook

    from chaxin.cli import main

    con, _, settings = demo_built
    # every key and potential_key client at risk at the end of 2012 is in 2012Q4's list, with its p
    at_risk = rows(con, """select dim_client.display_name, 'at risk: p = ' || cast(p_active_next_year as decimal(4, 2))
                           from marts.mart_client_outlook join marts.dim_client using (client_id)
                           where year = 2012 and is_at_risk order by 1""")
    assert len(at_risk) > 5 and all(p < 0.5 for (p,) in rows(
        con, "select p_active_next_year from marts.mart_client_outlook where is_at_risk"))
    assert rows(con, """select display_name, reason from marts.mart_action_plan
                        where period_key = '2012Q4' and origin_period_key = '2012Q4'
                          and strategy_action = 'at_risk_return_visit' order by 1""") == at_risk
    # due by the end of the next quarter, done by a return visit from 2013 on
    assert rows(con, """select distinct due_date, status from marts.mart_action_plan
                        where period_key = '2012Q4' and origin_period_key = '2012Q4'
                          and strategy_action = 'at_risk_return_visit'""") == [(dt.date(2013, 3, 31), "open")]
    out = tmp_path / "actions_2012Q4.xlsx"
    assert main(["actions", "--quarter", "2012Q4", "--bi", str(settings.bi), "--out", str(out)]) == 0
    _, *listed = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("全部").to_python()
    visits = sorted((r[1], r[4]) for r in listed if r[3] == "流失风险回访" and r[5] == "2012Q4")
    assert [name for name, _ in visits] == [name for name, _ in at_risk]
    assert all(reason.endswith(f"流失风险（{expected}）") for (_, reason), (_, expected) in zip(visits, at_risk))


def test_a_year_is_fitted_again_only_when_what_it_is_fitted_from_changed():
    features = frame(range(2008, 2013), 80)
    first = score(features)
    assert first.kept == [] and first.inputs.num_rows == 5
    # nothing changed: every scored year is kept as fitted, the same tables
    again = score(features, first)
    assert again.kept == [2009, 2010, 2011, 2012]
    assert all(again.tables[name].equals(table) for name, table in first.tables.items())
    # 2011's outcomes change (as when a new quarter closes 2012): 2011 and the years that learn from
    # it (2012; 2013 and 2014 are not there) are fitted again, 2009 and 2010 kept; the same as fitting all
    later = features.assign(n_commissions_next_year=np.where(
        features.year == 2011, features.n_commissions_next_year + 1, features.n_commissions_next_year))
    refitted = score(later, first)
    assert refitted.kept == [2009, 2010]
    assert all(refitted.tables[name].equals(table) for name, table in score(later).tables.items())
    assert not refitted.scores.equals(first.scores)
