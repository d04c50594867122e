"""Agreement figures against values worked out by hand and published examples."""

import json

import pytest
from click.testing import CliRunner

from annotator.agreement import (
    agreement_report,
    cohen_kappa,
    fleiss_kappa,
    krippendorff_alpha,
)
from annotator.cli import main
from annotator.store import review
from annotator.store.assignments import set_overlap
from annotator.store.label_tables import actor_label_table, label_tables

from .conftest import FIRST, signed_in


def test_cohen_kappa_by_hand():
    # 50 items: both yes 20, yes/no 5, no/yes 10, both no 15.
    # observed 0.7; chance 0.5*0.6 + 0.5*0.4 = 0.5; kappa = (0.7 - 0.5) / 0.5 = 0.4
    first = ["yes"] * 25 + ["no"] * 25
    second = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    assert cohen_kappa(first, second) == pytest.approx(0.4)
    assert cohen_kappa(["a", "a"], ["a", "a"]) is None  # one category: undefined
    assert cohen_kappa(["a"], ["b"]) is None  # too few items


def as_table(rows):
    """Rows of per-category counts → a label table with one rater per label given."""
    table = {}
    for item, counts in enumerate(rows):
        labels = [category for category, count in enumerate(counts) for _ in range(count)]
        table[item] = {f"r{n}": f"c{label}" for n, label in enumerate(labels)}
    return table


def test_fleiss_kappa_on_the_textbook_example():
    # Fleiss (1971) as worked in most textbooks: 10 items, 14 raters, 5 categories → 0.210
    rows = [
        [0, 0, 0, 0, 14],
        [0, 2, 6, 4, 2],
        [0, 0, 3, 5, 6],
        [0, 3, 9, 2, 0],
        [2, 2, 8, 1, 1],
        [7, 7, 0, 0, 0],
        [3, 2, 6, 3, 0],
        [2, 5, 3, 2, 2],
        [6, 5, 2, 1, 0],
        [0, 2, 2, 3, 7],
    ]
    kappa, n = fleiss_kappa(as_table(rows))
    assert n == 10 and kappa == pytest.approx(0.2099, abs=1e-4)


def test_krippendorff_alpha_by_hand_and_on_the_published_example():
    # Two raters, four items: (a,a) (a,b) (b,b) (b,b). Pairable values: a 3, b 5, n = 8;
    # disagreeing pairs 2. alpha = 1 - (n - 1) * 2 / (2 * 3 * 5) = 1 - 14/30 = 8/15.
    table = {
        1: {"x": "a", "y": "a"},
        2: {"x": "a", "y": "b"},
        3: {"x": "b", "y": "b"},
        4: {"x": "b", "y": "b"},
    }
    alpha, n = krippendorff_alpha(table)
    assert n == 4 and alpha == pytest.approx(8 / 15)
    # Krippendorff (2011), "Computing Krippendorff's alpha-reliability": nominal alpha 0.743
    rows = {
        "A": "1 2 3 3 2 1 4 1 2 . . .",
        "B": "1 2 3 3 2 2 4 1 2 5 . 3",
        "C": ". 3 3 3 2 3 4 2 2 5 1 .",
        "D": "1 2 3 3 2 4 4 1 2 5 1 .",
    }
    published = {}
    for rater, values in rows.items():
        for unit, value in enumerate(values.split()):
            if value != ".":
                published.setdefault(unit, {})[rater] = value
    alpha, n = krippendorff_alpha(published)
    assert n == 11 and alpha == pytest.approx(0.743, abs=1e-3)


def test_the_report_puts_the_model_beside_the_people():
    table = {
        1: {"ana": "a", "ben": "a", "model": "a"},
        2: {"ana": "b", "ben": "b", "model": "a"},
        3: {"ana": "a", "ben": "b", "model": "a"},
        4: {"ana": "b", "ben": "b", "model": "b"},
        5: {"ana": "a", "model": "b"},  # one person only: not in the figures
    }
    report = agreement_report(table)
    assert report["items"] == 4 and report["annotators"] == ["ana", "ben"]
    [pair] = report["cohen"]
    assert pair["raters"] == ["ana", "ben"] and pair["n"] == 4
    # ana/ben: observed 3/4; chance 0.5*0.25 + 0.5*0.75 = 0.5 → kappa 0.5
    assert pair["kappa"] == pytest.approx(0.5)
    model = report["model"]
    assert model["n"] == 4 and [p["raters"] for p in model["cohen"]] == [
        ["model", "ana"],
        ["model", "ben"],
    ]
    # model/ana: observed 3/4; chance 0.75*0.5 + 0.25*0.5 = 0.5 → 0.5
    assert model["cohen"][0]["kappa"] == pytest.approx(0.5)
    assert model["mean_kappa_human_human"] == pytest.approx(0.5)


LABELS = ["favor", "against", "neutral"]


@pytest.fixture
def two_annotators(app, db):
    set_overlap(db, 2)
    mentions = [r["id"] for r in db.query("select id from mentions order by id limit 12")]
    for n, mention in enumerate(mentions):
        review.record_label(db, "ana", mention, LABELS[n % 3], LABELS)
        review.record_label(db, "ben", mention, LABELS[n % 3] if n % 4 else "neutral", LABELS)
    return mentions


def test_tables_come_per_label_set_and_actor_type(db, two_annotators):
    names = [name for name, _ in label_tables(db)]
    assert names[0] == "actors" and any(name.startswith("actors: ") for name in names)
    table = actor_label_table(db)
    for labels in table.values():
        agreed = labels["ana"] == labels["ben"]
        assert set(labels) == {"ana", "ben", "model"} | ({"gold"} if agreed else set())
        assert labels.get("gold") == (labels["ana"] if agreed else None)


def test_agreement_command_and_stats_page(app, db, db_path, two_annotators):
    result = CliRunner().invoke(main, ["agreement", "--db", str(db_path), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    actors = report["actors"]
    assert actors["items"] == 12 and actors["krippendorff"]["n"] == 12
    assert actors["cohen"][0]["kappa"] == pytest.approx(
        cohen_kappa(*[[t[r] for t in actor_label_table(db).values()] for r in ("ana", "ben")])
    )
    text = CliRunner().invoke(main, ["agreement", "--db", str(db_path)]).output
    assert "Krippendorff" in text and "ana × ben" in text
    page = signed_in(app, "lea", "lead").get("/stats").get_data(as_text=True)
    assert "Agreement" in page and "Fleiss" in page and "ana × ben" in page
    assert FIRST  # the seed corpus is what the labels sit on
