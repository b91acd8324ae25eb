"""The outlook model (SPEC §5 outlook): per closed year Y and client, the probability of at least one
commission in the next four quarters and the expected number, fitted by scikit-learn on the rows of
the TRAINING_YEARS years before Y only (their next year is known), so a score never sees its own
future; the last few years describe today's clients better than the station's whole past (on the
demo, whose clients behave differently after 2010, the hold-back AUC is 0.87 with three years, 0.82
with every year).

Two models on the same features (marts.mart_outlook_features: tier, loyalty and R&D points and the
change in loyalty, the searchers' ratings, satisfaction, recency, frequency): a logistic regression for the probability and
a Poisson regression for the count. Each year whose next year is known is also a hold-back year:
the model's AUC, Brier score and calibration by decile against the rule "no commission in the last
four quarters" (the rule's probability: its group's rate in the same training rows).

A year's scores and evaluation depend only on the feature rows of that year and of its training
years, on this file and on the libraries that fit them: a run keeps the ones the last build wrote
for every year whose hash of those is the same (client_outlook_inputs), and fits the others. A new
quarter that closes a year fits that year and the one whose outcomes it made known; the other
quarters fit none (SPEC §8: a new quarter re-runs only what it touches)."""
from __future__ import annotations

import hashlib
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from warehouse.reads import has_table

FEATURES = "marts.mart_outlook_features"
LINEAGE = ("_inputs_hash",)   # what the features' rows were built from, not features
TIERS = ("key", "potential_key", "general", "none")
RATED = ("csat", "mean_recognition", "mean_cooperation")     # null without a rating: the mean, and a flag
NUMERIC = ("loyalty_points", "loyalty_change", "rd_points", "n_dissatisfied", "n_commissions",
           "n_recent_commissions", "n_recent_active_years")
LOGGED = ("days_since_last_commission", "n_commissions_to_date", "days_as_client")   # long tails: log1p
TRAINING_YEARS = 3           # the model of year Y learns from years Y-3 .. Y-1
MIN_TRAINING_ROWS = 30        # fewer, or one outcome only: no fit, no scores for that year (said in metadata)
N_BINS = 10

SCORES = pa.schema([("year", pa.int32()), ("client_id", pa.string()), ("p_active_next_year", pa.float64()),
                    ("expected_commissions", pa.float64()), ("fitted_through_year", pa.int32()),
                    ("n_training_rows", pa.int64())])
EVALUATION = pa.schema([("year", pa.int32()), ("n_clients", pa.int64()), ("n_active_next_year", pa.int64()),
                        ("auc_model", pa.float64()), ("auc_rule", pa.float64()), ("brier_model", pa.float64()),
                        ("brier_rule", pa.float64()), ("mean_predicted", pa.float64()),
                        ("observed_rate", pa.float64()), ("n_training_rows", pa.int64())])
CALIBRATION = pa.schema([("year", pa.int32()), ("bin", pa.int32()), ("n_clients", pa.int64()),
                         ("mean_predicted", pa.float64()), ("observed_rate", pa.float64())])
INPUTS = pa.schema([("year", pa.int32()), ("inputs_hash", pa.string())])
TABLES = ("client_outlook", "client_outlook_evaluation", "client_outlook_calibration", "client_outlook_inputs")
# what fits a year besides its rows: this file and the libraries (an edit or an upgrade fits every year again)
MODEL = "|".join([hashlib.sha256(Path(__file__).read_bytes()).hexdigest(),
                  *(f"{name} {version(name)}" for name in ("scikit-learn", "numpy", "scipy", "pandas"))])


@dataclass
class Outlook:
    scores: pa.Table
    evaluation: pa.Table
    calibration: pa.Table
    inputs: pa.Table = field(default_factory=INPUTS.empty_table)   # per year, the hash it was fitted from
    notes: list[str] = field(default_factory=list)     # why a year has no scores, as a person reads it
    kept: list[int] = field(default_factory=list)      # the years kept as the last build fitted them

    @property
    def tables(self) -> dict[str, pa.Table]:
        return dict(zip(TABLES, (self.scores, self.evaluation, self.calibration, self.inputs)))

    @property
    def holdback(self) -> dict | None:
        """The latest hold-back year's evaluation, the figure the README quotes."""
        rows = self.evaluation.to_pylist()
        return max(rows, key=lambda r: r["year"]) if rows else None


def design(frame) -> np.ndarray:
    """The feature matrix: the tier one-hot, ratings with a flag for none, the rest as numbers."""
    columns = [(frame["tier"] == tier).to_numpy(float) for tier in TIERS]
    for name in RATED:
        rated = frame[name].astype(float)
        columns += [rated.fillna(rated.mean() if rated.notna().any() else 0).to_numpy(), rated.isna().to_numpy(float)]
    columns += [frame[name].astype(float).fillna(0).to_numpy() for name in NUMERIC]
    columns += [np.log1p(frame[name].astype(float).clip(lower=0).fillna(0).to_numpy()) for name in LOGGED]
    return np.column_stack(columns)


def preload() -> None:
    """Import what a fit needs (scikit-learn, 1-2 s) in a background thread. A first build calls this
    as dbt's first stage starts, which fits every year after it: dbt's work is mostly DuckDB's and
    leaves the interpreter free, and the fits then find scikit-learn imported (an import still going
    is waited for by Python's own import lock)."""
    def load() -> None:
        import sklearn.linear_model, sklearn.metrics, sklearn.pipeline, sklearn.preprocessing  # noqa: F401, E401

    threading.Thread(target=load, name="import scikit-learn", daemon=True).start()


def compute(con) -> Outlook:
    from threadpoolctl import threadpool_limits

    features = con.sql(f"select * exclude ({', '.join(LINEAGE)}) from {FEATURES} order by year, client_id")
    frame = _features_frame(features)
    # One BLAS/OpenMP thread: these fits have 20 features, and threaded BLAS spin-waits on threads
    # the machine cannot schedule (on the server under 20 BI readers, load 27: over 8 minutes in one
    # matrix product, where a single thread takes seconds)
    with threadpool_limits(limits=1):
        return score(frame, last_built(con))


def _features_frame(relation):
    """The rows as DuckDB's .df() gives them (decimals as floats, an integer column with nulls as
    pandas' Int64), through Arrow: .df() makes a Python object of every text and decimal value, 1.9 s
    against 0.5 s for the 1.1 M rows of features at 1 M commissions."""
    table = relation.to_arrow_table()
    table = table.cast(pa.schema([f.with_type(pa.float64()) if pa.types.is_decimal(f.type) else f
                                  for f in table.schema]))
    frame = table.to_pandas()
    for name, column in zip(table.column_names, table.columns):
        if pa.types.is_integer(column.type) and column.null_count:
            frame[name] = frame[name].astype("Int64")
    return frame


def last_built(con) -> Outlook | None:
    """The outlook the last build wrote, where the connection holds it: the working file does; on the
    server the enrichment reads copies of its inputs only, and every year is fitted."""
    if not all(has_table(con, name) for name in TABLES):
        return None
    return Outlook(*(con.sql(f"select * from enrichment.{name}").to_arrow_table().cast(schema)
                     for name, schema in zip(TABLES, (SCORES, EVALUATION, CALIBRATION, INPUTS))))


def inputs_hashes(frame) -> dict[int, str]:
    """Per year Y, a hash of what its scores and evaluation are computed from: the feature rows of Y
    and of the TRAINING_YEARS years before it (pandas' stable row hashes), and MODEL."""
    import pandas as pd

    rows = pd.util.hash_pandas_object(frame, index=False).to_numpy()
    years = frame["year"].to_numpy()
    of_year = {int(year): hashlib.sha256(rows[years == year].tobytes()).hexdigest() for year in np.unique(years)}
    return {year: hashlib.sha256("|".join([MODEL, *(f"{y}:{of_year[y]}" for y in range(year - TRAINING_YEARS, year + 1)
                                                    if y in of_year)]).encode()).hexdigest()
            for year in of_year}


def score(frame, last: Outlook | None = None) -> Outlook:
    """Fit on the years before each closed year, score that year, evaluate where its next year is known;
    a year whose inputs hash is the one `last` was fitted from keeps last's rows."""
    scored, evaluated, calibrated, notes, kept, to_fit = {}, {}, {}, [], [], []
    hashes = inputs_hashes(frame)
    fitted_from = {} if last is None else dict(zip(last.inputs.column("year").to_pylist(),
                                                   last.inputs.column("inputs_hash").to_pylist()))
    labelled = frame[frame["is_next_year_closed"].astype(bool)]
    for year in sorted(frame["year"].unique()):
        train = of_years(labelled, year - TRAINING_YEARS, year - 1)
        active = (train["n_commissions_next_year"] > 0).to_numpy()
        if len(train) < MIN_TRAINING_ROWS or active.all() or not active.any():
            notes.append(f"{year}: not scored, {len(train)} training rows from the years before "
                         f"({int(active.sum())} active the next year); the model needs {MIN_TRAINING_ROWS} "
                         "and both outcomes")
        elif fitted_from.get(int(year)) == hashes[int(year)]:
            scored[year] = _of_year(last.scores, year)
            evaluated[year] = _of_year(last.evaluation, year).to_pylist()
            calibrated[year] = _of_year(last.calibration, year).to_pylist()
            kept.append(int(year))
        else:
            to_fit.append((year, train, active, of_years(frame, year, year)))
    # The years' fits are independent: two at a time, each on one BLAS thread (compute), so that the
    # machine's two cores share the matrix products; the results do not depend on the order.
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="chaxin-outlook") as pool:
        fits = pool.map(lambda args: fit_year(*args), to_fit)
        for (year, *_), (scores, evaluation, bins) in zip(to_fit, fits):
            scored[year], evaluated[year], calibrated[year] = scores, evaluation, bins
    years = sorted(scored)
    return Outlook(
        scores=pa.concat_tables([scored[y] for y in years]) if scored else SCORES.empty_table(),
        evaluation=pa.Table.from_pylist([row for y in years for row in evaluated[y]], schema=EVALUATION),
        calibration=pa.Table.from_pylist([row for y in years for row in calibrated[y]], schema=CALIBRATION),
        inputs=pa.table({"year": list(hashes), "inputs_hash": list(hashes.values())}, schema=INPUTS),
        notes=notes, kept=kept)


def of_years(frame, first: int, last: int):
    """The rows of the years first..last: a slice, since the features are read in year order (a boolean
    mask copied every column of a million rows, 1.4 s over the years of a 1 M station)."""
    years = frame["year"].to_numpy()
    return frame.iloc[np.searchsorted(years, first, "left"):np.searchsorted(years, last, "right")]


def fit_year(year, train, active: np.ndarray, rows) -> tuple[pa.Table, list[dict], list[dict]]:
    """One year's scores from the models fitted on its training rows, and its evaluation where its
    next year is known."""
    probability, count = fitted(train, active)
    x = design(rows)
    p = probability.predict_proba(x)[:, 1]
    scores = pa.table({
        "year": np.full(len(rows), year, dtype=np.int32), "client_id": rows["client_id"].to_numpy(),
        "p_active_next_year": p, "expected_commissions": count.predict(x),
        "fitted_through_year": np.full(len(rows), year - 1, dtype=np.int32),
        "n_training_rows": np.full(len(rows), len(train), dtype=np.int64)}, schema=SCORES)
    if not rows["is_next_year_closed"].astype(bool).all():
        return scores, [], []
    evaluation, bins = evaluate(year, rows, p, train)
    return scores, [evaluation], bins


def fitted(train, active: np.ndarray):
    """The two models fitted on the training rows (scikit-learn is imported only when a year is fitted)."""
    from sklearn.linear_model import LogisticRegression, PoissonRegressor
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    x_train = design(train)
    probability = make_pipeline(StandardScaler(), LogisticRegression(solver="newton-cholesky")).fit(x_train, active)
    count = make_pipeline(StandardScaler(), PoissonRegressor(alpha=1e-3, solver="newton-cholesky")).fit(
        x_train, train["n_commissions_next_year"].to_numpy(float))
    return probability, count


def _of_year(table: pa.Table, year) -> pa.Table:
    return table.filter(pc.equal(table.column("year"), int(year)))


def rule_probability(rows, train) -> np.ndarray:
    """The rule "no commission in the last four quarters" as a probability: the share of each of its
    two groups in the training rows that commissioned the next year."""
    active = train["n_commissions_next_year"] > 0
    rates = active.groupby(train["n_commissions"] > 0).mean()
    # a group the training years lack (every client of the first year is recent) gets the overall rate
    overall = active.mean()
    return np.where((rows["n_commissions"] > 0).to_numpy(), rates.get(True, overall), rates.get(False, overall))


def evaluate(year: int, rows, p: np.ndarray, train) -> tuple[dict, list[dict]]:
    import pandas as pd
    from sklearn.metrics import brier_score_loss, roc_auc_score

    observed = (rows["n_commissions_next_year"] > 0).to_numpy()
    rule = rule_probability(rows, train)
    both = observed.any() and not observed.all()      # AUC needs both outcomes
    evaluation = {
        "year": int(year), "n_clients": len(rows), "n_active_next_year": int(observed.sum()),
        "auc_model": float(roc_auc_score(observed, p)) if both else None,
        "auc_rule": float(roc_auc_score(observed, rule)) if both else None,
        "brier_model": float(brier_score_loss(observed, p)), "brier_rule": float(brier_score_loss(observed, rule)),
        "mean_predicted": float(p.mean()), "observed_rate": float(observed.mean()), "n_training_rows": len(train)}
    bins = pd.qcut(pd.Series(p).rank(method="first"), min(N_BINS, len(p)), labels=False)
    calibration = [{"year": int(year), "bin": int(b) + 1, "n_clients": int((bins == b).sum()),
                    "mean_predicted": float(p[bins == b].mean()), "observed_rate": float(observed[bins == b].mean())}
                   for b in sorted(bins.unique())]
    return evaluation, calibration


def describe(outlook: Outlook) -> dict[str, str | float | int]:
    """The figures the asset shows: the evaluation of every hold-back year, the latest one's AUCs."""
    rows = outlook.evaluation.to_pylist()
    figures: dict[str, str | float | int] = {"years scored": len(set(outlook.scores.column("year").to_pylist())),
                                             "years kept from the last build": len(outlook.kept)}
    if rows:
        def cell(value):
            return "" if value is None else f"{value:.3f}" if isinstance(value, float) else str(value)

        columns = list(EVALUATION.names)
        figures["evaluation"] = "\n".join(
            ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
            + ["| " + " | ".join(cell(r[c]) for c in columns) + " |" for r in rows])
        latest = outlook.holdback
        figures.update({"hold-back year": latest["year"], "AUC model": latest["auc_model"] or float("nan"),
                        "AUC rule": latest["auc_rule"] or float("nan"), "Brier model": latest["brier_model"],
                        "Brier rule": latest["brier_rule"]})
    return figures
