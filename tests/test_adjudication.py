"""Disagreements settled by a lead become gold; agreement is gold by itself."""

import json

import pytest

from annotator.ingest import import_file
from annotator.store import review
from annotator.store.adjudication import dispute_counts, next_open_sentence
from annotator.store.assignments import set_overlap
from annotator.store.database import init_database
from annotator.store.exports import iter_export_records

from .conftest import FIRST, HX, signed_in

LABELS = ["favor", "against", "neutral"]


def mentions(db, sentence_id=FIRST):
    rows = db.query("select id from mentions where sentence_id = ? order by start", [sentence_id])
    return [r["id"] for r in rows]


def target(db, mention_id, sentence_id=FIRST):
    record = next(r for r in iter_export_records(db) if r["id"] == sentence_id)
    start = db.table("mentions").get(mention_id)["start"]
    return next(t for t in record["targets"] if t["start"] == start)


@pytest.fixture
def disputed(app, db):
    """ana and ben label the first sentence; they disagree on its first mention only."""
    set_overlap(db, 2)
    first, *rest = mentions(db)
    review.record_label(db, "ana", first, "favor", LABELS)
    review.record_label(db, "ben", first, "against", LABELS)
    for mention in rest:
        review.record_label(db, "ana", mention, "neutral", LABELS)
        review.record_label(db, "ben", mention, "neutral", LABELS)
    return first, rest


def test_agreement_is_gold_and_disagreement_is_disputed(db, disputed):
    first, rest = disputed
    assert target(db, first)["label"] is None and target(db, first)["status"] == "disputed"
    agreed = target(db, rest[0])
    assert (agreed["label"], agreed["annotator"]) == ("neutral", "ana")
    assert [entry["annotator"] for entry in agreed["labels"]] == ["ana", "ben"]
    assert dispute_counts(db) == {"disputed": 1, "open": 1}
    assert next_open_sentence(db) == FIRST


@pytest.mark.parametrize("headers", [{}, HX])
def test_a_lead_settles_a_dispute_with_one_key(app, db, disputed, headers):
    first, _ = disputed
    lead = signed_in(app, "lea", "lead")
    page = lead.get("/adjudicate").get_data(as_text=True)
    assert f'id="adjudicate-{first}"' in page and ">ana<" in page and ">ben<" in page
    assert "1 open of 1 disputed" in page
    response = lead.post(
        f"/adjudicate/mentions/{first}", data={"label": "against"}, headers=headers
    )
    assert response.status_code == (200 if headers else 303)
    page = response if headers else lead.get(response.location)
    html = page.get_data(as_text=True)
    assert "Nothing to adjudicate" in html
    sentence = db.execute("select sentence_id from mentions where id = ?", [first]).fetchone()[0]
    assert f'<a href="/adjudicate/{sentence}">{sentence}</a> is settled' in html  # way back
    assert "is settled" not in lead.get("/adjudicate?settled=nope").get_data(as_text=True)
    settled = target(db, first)
    assert (settled["label"], settled["status"], settled["annotator"]) == (
        "against",
        "adjudicated",
        "lea",
    )
    assert dispute_counts(db) == {"disputed": 1, "open": 0}
    sentence = db.execute("select sentence_id from mentions where id = ?", [first]).fetchone()[0]
    page = lead.get(f"/adjudicate/{sentence}").get_data(as_text=True)
    assert f'action="/adjudicate/mentions/{first}/reopen"' in page  # the way back, shown
    assert 'data-key="u">Reopen <kbd>u</kbd>' in page
    response = lead.post(f"/adjudicate/mentions/{first}/reopen", headers=headers)
    assert response.status_code == (200 if headers else 303)
    assert dispute_counts(db)["open"] == 1
    assert lead.post("/adjudicate/mentions/999999", data={"label": "favor"}).status_code == 404
    assert lead.post(f"/adjudicate/mentions/{first}", data={"label": "maybe"}).status_code == 400


def test_adjudicated_exports_import_back_identically(app, db, disputed, tmp_path):
    first, _ = disputed
    signed_in(app, "lea", "lead").post(f"/adjudicate/mentions/{first}", data={"label": "favor"})
    records = list(iter_export_records(db))
    path = tmp_path / "gold.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    other = init_database(tmp_path / "other.db")
    import_file(other, path, "auto", LABELS)
    assert list(iter_export_records(other)) == records
    assert other.table("adjudications").get(1)["adjudicator"] == "lea"
