"""Duplicate candidates (SPEC §5): the demo's renamed firms found without the alias seed, scores by
hand, and `chaxin aliases --out` / the completeness report's sheet for staff."""
from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

from python_calamine import CalamineWorkbook

from chaxin.cli import main
from reports.alias_candidates import DUPLICATE_HEADERS, DUPLICATES_SHEET, SEED_HEADERS

from .conftest import rows

ALIAS_SEED = Path(__file__).parents[1] / "dbt" / "seeds" / "organisation_aliases.csv"
LEGAL_FORMS = ("股份有限公司", "有限责任公司", "有限公司", "公司")   # SPEC §3, the longest first


def match_name(raw: str) -> str:
    """SPEC §3 by hand, for the seed's names (no spaces or punctuation to drop): the legal form off."""
    return next((raw[: -len(f)] for f in LEGAL_FORMS if raw.endswith(f)), raw)


def test_the_demos_renamed_firms_are_the_top_candidates_without_the_seed(demo_built):
    """int_duplicate_pairs_scored is computed over match names before the alias seed (no part of its
    evidence reads the seed), so it is what mart_duplicate_candidates would be for a station with an
    empty seed, every match name its own client; reading it spares a second demo build."""
    con, *_ = demo_built
    with ALIAS_SEED.open(encoding="utf-8") as f:
        seeded = {tuple(sorted((match_name(r["alias_name"]), match_name(r["canonical_name"]))))
                  for r in csv.DictReader(f)}
    assert len(seeded) == 3
    top = rows(con, """select match_name, other_match_name, evidence, score, is_merged
                       from intermediate.int_duplicate_pairs_scored
                       order by score desc, n_evidence desc, match_name limit 3""")
    assert {(a, b) for a, b, *_ in top} == seeded
    for _, _, evidence, score, is_merged in top:
        # the renamed firm kept its contacts: email and username (0.9 each), phone (0.8), address
        # (0.5): 100 × (1 − 0.1 × 0.1 × 0.2 × 0.5) = 99.9
        assert re.fullmatch(r"same email \S+@\S+; same username \S+; same phone 1\d{10}; same address \S+", evidence)
        assert score == 99.9 and is_merged
    # with the seed they are one client each, so the mart does not list them
    assert rows(con, """select count(*) from marts.mart_duplicate_candidates
                        where evidence like '%' || ? || '%'""", top[0][2].split("; ")[0])[0][0] == 0


def test_each_candidate_pair_is_two_clients_ordered_and_scored_by_its_evidence(demo_built):
    con, *_ = demo_built
    candidates = rows(con, """select client_id, other_client_id, evidence, evidence_kinds, name_similarity, score,
                                     alias_name, canonical_name, n_commissions, other_n_commissions, display_name
                              from marts.mart_duplicate_candidates order by candidate_rank""")
    assert candidates and all(a < b for a, b, *_ in candidates)
    weights = {"email": 0.9, "username": 0.9, "phone": 0.8, "address": 0.5}
    for _, _, evidence, kinds, similarity, score, alias, canonical, n, other_n, name in candidates:
        keep = 1.0
        for piece in evidence.split("; "):
            if piece.startswith("names "):   # a name pair weighs 0.7 × its similarity
                assert piece == f"names {similarity} % alike" and similarity >= 85
                keep *= 1 - 0.7 * similarity / 100
            else:
                keep *= 1 - weights[piece.split(" ")[1]]
        assert score == round(100 * (1 - keep), 1)
        assert set(kinds.split(", ")) == {p.split(" ")[1] if not p.startswith("names") else "name"
                                          for p in evidence.split("; ")}
        # the name that stays is the client with more commissions
        kept_n, alias_n = (n, other_n) if canonical == name else (other_n, n)
        assert kept_n >= alias_n and alias != canonical
    scores = [candidate[5] for candidate in candidates]
    assert scores == sorted(scores, reverse=True)


def test_aliases_out_writes_the_candidates_in_the_seeds_format(demo_built, tmp_path):
    con, _, settings = demo_built
    out, working = tmp_path / "aliases.csv", tmp_path / "warehouse.duckdb"
    shutil.copyfile(settings.warehouse, working)   # the session's read-write connection holds the file
    assert main(["aliases", "--warehouse", str(working), "--out", str(out)]) == 0
    with out.open(encoding="utf-8", newline="") as f:
        written = list(csv.reader(f))
    assert written[0] == SEED_HEADERS == ALIAS_SEED.read_text(encoding="utf-8").splitlines()[0].split(",")
    expected = rows(con, "select alias_name, canonical_name, alias_note from marts.mart_duplicate_candidates "
                         "order by candidate_rank")
    assert [tuple(r) for r in written[1:]] == expected
    assert all(note.startswith("duplicate candidate, score ") for *_, note in expected)


def test_aliases_refuses_an_unwritable_out_in_one_line(demo_built, tmp_path, capsys):
    _, _, settings = demo_built
    assert main(["aliases", "--warehouse", str(settings.warehouse), "--out", str(tmp_path)]) == 2
    assert main(["aliases", "--warehouse", str(settings.warehouse), "--min-score", "120"]) == 2
    assert main(["aliases", "--warehouse", str(tmp_path / "none.duckdb")]) == 2
    said = capsys.readouterr().err.strip().splitlines()
    assert len(said) == 3 and all(line.startswith("error: ") for line in said)
    assert "is a folder" in said[0] and "not a score" in said[1] and "run `chaxin run` first" in said[2]


def test_the_completeness_report_has_a_sheet_of_candidates_without_contacts(demo_built, tmp_path):
    con, _, settings = demo_built
    out = tmp_path / "quality.xlsx"
    assert main(["quality", "--period", "2006-2010", "--bi", str(settings.bi), "--out", str(out)]) == 0
    sheet = CalamineWorkbook.from_path(str(out)).get_sheet_by_name(DUPLICATES_SHEET).to_python()
    assert sheet[0] == DUPLICATE_HEADERS
    n = rows(con, "select count(*) from marts.mart_duplicate_candidates")[0][0]
    assert len(sheet) - 1 == n > 0
    cells = [str(cell) for row in sheet[1:] for cell in row]
    assert not any("@" in cell or re.search(r"1[3-9]\d{9}", cell) for cell in cells)
