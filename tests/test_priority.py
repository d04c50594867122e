"""The order the queue serves sentences in, kept per sentence (`sentence_priority`), stays
equal to its definition computed afresh after every write that can change it."""

from __future__ import annotations

import json

import pytest

from annotator.ingest import import_file
from annotator.models.base import Prediction
from annotator.prelabel import prelabel
from annotator.schemes import get_scheme
from annotator.store import assignments, queue, review
from annotator.store.mention_edits import add_mention, find_words, reassign_mention, remove_mention
from annotator.store.predictions import save_predictions
from annotator.store.prelabels import active_model, set_active_model, shown_prediction_id
from annotator.store.priority import refresh_stale_margins
from annotator.store.undo import undo_last

from .conftest import SEED, FirstLabelModel

STANCE = get_scheme("stance")

# The definition, computed directly: each sentence with actors, the smallest margin of the
# pre-labels shown for its mentions (the active model's newest prediction of each), its place
# in the corpus, and whether k annotators hold it.
REFERENCE = f"""
select s.id as sentence_id,
  (select min(p.margin) from mentions m join predictions p on p.id = {shown_prediction_id("m.id")}
   where m.sentence_id = s.id) as margin,
  d.rowid as document_rowid, s.position,
  (select count(*) from assignments a where a.sentence_id = s.id)
    >= coalesce((select cast(value as integer) from settings where key = 'overlap'), 1) as full
from sentences s join documents d on d.id = s.document_id
where exists (select 1 from mentions m where m.sentence_id = s.id)
"""
REFERENCE_ORDER = {
    "document": "document_rowid, position",
    "uncertainty": "margin is null, margin, document_rowid, position",
}


class SpreadModel(FirstLabelModel):
    """Margins that differ from mention to mention, in a way each `salt` shuffles."""

    spec, salt = "stub:spread", 7

    def predict(self, pairs, scheme, batch_size=64):
        first, second, third = scheme.label_names
        result = []
        for pair in pairs:
            gap = ((len(pair.sentence) * self.salt + pair.start) % 97) / 400
            scores = {first: 0.45 + gap, second: 0.45, third: 0.1 - gap}
            result.append(Prediction(first, scores[first], scores))
        return result


class OtherSpreadModel(SpreadModel):
    spec, salt = "stub:other", 31


def kept(db) -> list[dict]:
    return list(db.query("select * from sentence_priority order by sentence_id"))


def reference(db) -> list[dict]:
    return list(db.query(f"select * from ({REFERENCE}) order by sentence_id"))


def assert_current(db) -> None:
    assert kept(db) == reference(db)


def reference_order(db, order: str) -> list[str]:
    rows = db.query(f"select sentence_id from ({REFERENCE}) order by {REFERENCE_ORDER[order]}")
    return [row["sentence_id"] for row in rows]


def served_order(db, order: str) -> list[str]:
    """Every sentence in the order the queue serves it: with k = 1, each new annotator
    claims the first sentence nobody holds."""
    served = []
    while (sentence_id := queue.next_sentence_id(db, f"reader-{len(served)}", order)) is not None:
        served.append(sentence_id)
    assert {row["full"] for row in kept(db)} == {1}
    assert_current(db)
    db.execute("delete from assignments")
    assert_current(db)
    return served


@pytest.fixture
def spread(db):
    import_file(db, SEED, "auto", STANCE.label_names)
    assert_current(db)  # every sentence with actors queued, none pre-labelled yet
    prelabel(db, SpreadModel(), STANCE)
    assert active_model(db) == SpreadModel.spec
    return db


def test_predictions_of_the_active_model_set_the_priority(spread):
    assert_current(spread)
    margins = [row["margin"] for row in kept(spread)]
    assert None not in margins and len(set(margins)) > 3


def test_uncertainty_order_serves_the_least_certain_first(spread):
    served = served_order(spread, "uncertainty")
    assert served == reference_order(spread, "uncertainty")
    assert served != reference_order(spread, "document")
    least = min(kept(spread), key=lambda row: row["margin"])["sentence_id"]
    assert served[0] == least
    assert served_order(spread, "document") == reference_order(spread, "document")


def test_sentences_without_a_shown_prelabel_come_last_in_document_order(db):
    import_file(db, SEED, "auto", STANCE.label_names)
    first_mentions = [
        row["id"]
        for row in db.query("select min(id) as id from mentions group by sentence_id limit 3")
    ]
    save_predictions(db, [_prediction(m, "stub:spread", "1", 0.6) for m in first_mentions])
    assert_current(db)
    served = served_order(db, "uncertainty")
    assert served == reference_order(db, "uncertainty")
    margins = {row["sentence_id"]: row["margin"] for row in kept(db)}
    assert [margins[s] is None for s in served] == sorted(margins[s] is None for s in served)


def _prediction(mention_id: int, model: str, version: str, top: float) -> dict:
    scores = {"favor": top, "against": 1 - top, "neutral": 0.0}
    return {
        "mention_id": mention_id,
        "model": model,
        "template_version": version,
        "label": "favor",
        "score": top,
        "scores": scores,
    }


def test_a_newer_template_version_of_the_active_model_takes_over(spread):
    sentence = served_order(spread, "document")[-1]
    mentions = [
        r["id"] for r in spread.query("select id from mentions where sentence_id = ?", [sentence])
    ]
    save_predictions(spread, [_prediction(m, SpreadModel.spec, "2", 0.5) for m in mentions])
    assert_current(spread)
    assert kept_row(spread, sentence)["margin"] == 0.0  # the newest version is the one shown
    assert served_order(spread, "uncertainty") == reference_order(spread, "uncertainty")


def test_another_models_predictions_change_nothing(spread):
    before = kept(spread)
    every = [row["id"] for row in spread.query("select id from mentions")]
    save_predictions(spread, [_prediction(m, "stub:elsewhere", "1", 0.5) for m in every])
    assert kept(spread) == before
    assert_current(spread)


def test_changing_the_active_model_reorders_the_queue(spread):
    prelabel(spread, OtherSpreadModel(), STANCE)
    before = served_order(spread, "uncertainty")
    assert set_active_model(spread, OtherSpreadModel.spec)
    assert refresh_stale_margins(spread) == len(kept(spread))
    assert_current(spread)
    after = served_order(spread, "uncertainty")
    assert after == reference_order(spread, "uncertainty") and after != before
    assert not set_active_model(spread, OtherSpreadModel.spec)  # no change, nothing marked
    assert refresh_stale_margins(spread) == 0
    set_active_model(spread, SpreadModel.spec)
    refresh_stale_margins(spread)
    assert served_order(spread, "uncertainty") == before


def test_a_model_switch_rereads_margins_in_chunks_and_a_crash_is_finished_later(spread, db_path):
    from annotator.store.priority import MARGINS_STALE_SETTING
    from annotator.worker import JobQueue

    prelabel(spread, OtherSpreadModel(), STANCE)
    set_active_model(spread, OtherSpreadModel.spec)
    refresh_stale_margins(spread)
    assert_current(spread)
    assert spread["settings"].count_where("key = ?", [MARGINS_STALE_SETTING]) == 0

    set_active_model(spread, SpreadModel.spec)  # a crash now leaves the margins marked stale
    assert kept(spread) != reference(spread)
    sentences = len(kept(spread))
    assert refresh_stale_margins(spread, chunk=2) == sentences  # from transactions of two
    assert_current(spread)
    assert refresh_stale_margins(spread) == 0  # nothing left marked

    set_active_model(spread, OtherSpreadModel.spec)
    JobQueue(db_path).recover()  # a worker starting after the crash
    assert_current(spread)


def test_the_first_model_to_prelabel_becomes_active_with_its_margins(db):
    import_file(db, SEED, "auto", STANCE.label_names)
    assert active_model(db) is None
    save_predictions(db, [_prediction(1, "stub:spread", "1", 0.7)])
    assert active_model(db) == "stub:spread"
    assert_current(db)


def test_removing_a_mention_recomputes_its_sentence(spread):
    # The sentence's least certain mention goes: its margin becomes the next one's.
    sentence, mention = _least_certain_mention(spread)
    others = spread.execute(
        "select count(*) from mentions where sentence_id = ?", [sentence]
    ).fetchone()[0]
    assert others > 1
    before = {row["sentence_id"]: row["margin"] for row in kept(spread)}[sentence]
    remove_mention(spread, "lead", mention, lead=True)
    assert_current(spread)
    after = {row["sentence_id"]: row["margin"] for row in kept(spread)}[sentence]
    assert after > before
    undo_last(spread, "lead")
    assert_current(spread)
    assert {row["sentence_id"]: row["margin"] for row in kept(spread)}[sentence] == before


def _least_certain_mention(db) -> tuple[str, int]:
    row = next(
        db.query(
            f"""select m.sentence_id, m.id from mentions m
            join predictions p on p.id = {shown_prediction_id("m.id")}
            where (select count(*) from mentions o where o.sentence_id = m.sentence_id) > 1
            order by p.margin limit 1"""
        )
    )
    return row["sentence_id"], row["id"]


def test_a_sentence_leaves_the_queue_with_its_last_mention_and_joins_with_its_first(spread):
    sentence = next(
        spread.query(
            "select sentence_id from mentions group by sentence_id having count(*) = 1 limit 1"
        )
    )["sentence_id"]
    [mention] = spread.query("select id, text from mentions where sentence_id = ?", [sentence])
    remove_mention(spread, "lead", mention["id"], lead=True)
    assert_current(spread)
    assert sentence not in {row["sentence_id"] for row in kept(spread)}
    undo_last(spread, "lead")
    assert_current(spread)
    bare = next(
        spread.query(
            "select id from sentences s where not exists"
            " (select 1 from mentions m where m.sentence_id = s.id) limit 1"
        )
    )["id"]
    text = spread.execute("select text from sentences where id = ?", [bare]).fetchone()[0]
    start, end, _ = find_words(spread, bare, text.split()[0])
    add_mention(spread, "lead", bare, start, end, lead=True)
    assert_current(spread)
    row = next(row for row in kept(spread) if row["sentence_id"] == bare)
    assert row["margin"] is None  # queued, but nothing pre-labels the new mention yet
    prelabel(spread, SpreadModel(), STANCE)
    assert_current(spread)
    undo_last(spread, "lead")  # the addition
    assert_current(spread)
    assert bare not in {row["sentence_id"] for row in kept(spread)}


def test_moving_a_mention_to_another_actor_keeps_its_sentence_in_place(spread):
    before = kept(spread)
    reassign_mention(spread, "lead", 1, "Someone Else", lead=True)
    assert kept(spread) == before
    assert_current(spread)


def test_importing_more_sentences_queues_them(spread, tmp_path):
    guess = {"label": "neutral", "score": 0.8, "model": SpreadModel.spec}
    text = "Angela Merkel met Joe Biden in Berlin."
    targets = [
        {"start": text.index(name), "end": text.index(name) + len(name), "prediction": guess}
        for name in ("Angela Merkel", "Joe Biden")
    ]
    path = tmp_path / "more.jsonl"
    path.write_text(json.dumps({"id": "more:0", "text": text, "targets": targets}) + "\n")
    import_file(spread, path, "jsonl", STANCE.label_names)
    assert_current(spread)
    assert kept_row(spread, "more:0")["margin"] == 0.8  # one score: the margin is that score


def kept_row(db, sentence_id: str) -> dict:
    return next(row for row in kept(db) if row["sentence_id"] == sentence_id)


def test_k_places_are_kept_in_the_uncertainty_order(spread):
    assignments.set_overlap(spread, 2)
    first = queue.next_sentence_id(spread, "ana", "uncertainty")
    assert queue.next_sentence_id(spread, "ben", "uncertainty") == first
    assert queue.next_sentence_id(spread, "cleo", "uncertainty") != first
    assert queue.next_sentence_id(spread, "ana", "uncertainty") == first  # held until finished


def test_a_sentence_is_full_while_k_annotators_hold_it(spread, tmp_path):
    first, second = served_order(spread, "document")[:2]
    queue.next_sentence_id(spread, "ana")
    assert kept_row(spread, first)["full"] == 1 and kept_row(spread, second)["full"] == 0
    assignments.set_overlap(spread, 2)  # a second place on every sentence
    assert_current(spread)
    assert kept_row(spread, first)["full"] == 0
    assignments.require_holder(spread, first, "ben")  # opened by its URL: a place taken
    assert_current(spread)
    assert kept_row(spread, first)["full"] == 1
    assignments.set_overlap(spread, 1)
    assert_current(spread)
    labelled = {"id": "more:0", "text": "Joe Biden spoke.", "targets": [_labelled_target()]}
    path = tmp_path / "labelled.jsonl"
    path.write_text(json.dumps(labelled) + "\n")
    import_file(spread, path, "jsonl", STANCE.label_names)  # a review holds a place
    assert_current(spread)
    assert kept_row(spread, "more:0")["full"] == 1


def _labelled_target() -> dict:
    return {"start": 0, "end": 9, "label": "favor", "annotator": "cleo", "status": "manual"}


@pytest.mark.parametrize("share", [0.0, 0.2, 0.5])
def test_uncertainty_order_takes_its_fair_share_in_document_order(spread, share):
    """One annotator finishing every sentence: with share 0.2 the 5th, 10th, … are the first
    free ones in document order, the rest the least certain; with 0 never."""
    queue.set_fair_share(spread, share)
    by_margin = reference_order(spread, "uncertainty")
    by_place = reference_order(spread, "document")
    expected, served = [], []
    for done in range(len(by_margin)):
        walk = by_place if int((done + 1) * share) > int(done * share) else by_margin
        expected.append(next(s for s in walk if s not in expected))
        served.append(queue.next_sentence_id(spread, "ana", "uncertainty"))
        review.accept_sentence(spread, "ana", served[-1])
    assert served == expected
    assert queue.next_sentence_id(spread, "ana", "uncertainty") is None
    in_document_order = sum(int((d + 1) * share) > int(d * share) for d in range(len(served)))
    assert in_document_order == int(len(served) * share)
    if share:
        assert served != by_margin


def test_document_order_never_mixes(spread):
    queue.set_fair_share(spread, 0.5)
    served = []
    while (sentence_id := queue.next_sentence_id(spread, "ana", "document")) is not None:
        served.append(sentence_id)
        review.accept_sentence(spread, "ana", sentence_id)
    assert served == reference_order(spread, "document")


def test_the_fair_share_is_bounded(db):
    assert queue.fair_share(db) == queue.DEFAULT_FAIR_SHARE
    for bad in (-0.1, 0.51, float("nan")):
        with pytest.raises(ValueError):
            queue.set_fair_share(db, bad)
    for junk in ("junk", "nan", "inf"):  # written into the database by hand
        db["settings"].upsert({"key": "fair_share", "value": junk}, pk="key")
        assert queue.fair_share(db) == queue.DEFAULT_FAIR_SHARE
