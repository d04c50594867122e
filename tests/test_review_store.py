"""The review queue and decisions, straight against the store."""

import pytest

from annotator.ingest import import_file
from annotator.prelabel import prelabel
from annotator.schemes import get_scheme
from annotator.store import assignments, queue, queue_walk, review
from annotator.store.undo import undo_last

from .conftest import SEED, FirstLabelModel

STANCE = get_scheme("stance")


@pytest.fixture
def seeded(db, stub_model):
    import_file(db, SEED, "auto", STANCE.label_names)
    prelabel(db, stub_model, STANCE)
    return db


def labels_of(db, sentence_id, annotator="ana"):
    rows = db.query(
        """select m.start, a.label, a.status from mentions m
           left join annotations a on a.mention_id = m.id and a.annotator = ?
           where m.sentence_id = ? order by m.start""",
        [annotator, sentence_id],
    )
    return [(r["label"], r["status"]) for r in rows]


def test_queue_starts_with_the_first_sentence_with_actors(seeded):
    assert queue.next_sentence_id(seeded, "ana") == "putin-visits-north-korea-and-vietnam:0"


def test_label_then_accept_stores_gold_and_advances(seeded):
    first = queue.next_sentence_id(seeded, "ana")
    mention = next(
        seeded.query("select id from mentions where sentence_id = ? order by start", [first])
    )
    review.record_label(seeded, "ana", mention["id"], "against", STANCE.label_names)
    review.accept_sentence(seeded, "ana", first)
    stored = labels_of(seeded, first)
    assert stored[0] == ("against", "corrected")
    assert all(item == ("favor", "accepted") for item in stored[1:])
    assert queue.next_sentence_id(seeded, "ana") != first
    assert queue.review_progress(seeded, "ana")["reviewed"] == 1


def test_undo_walks_back_one_decision_at_a_time(seeded):
    first = queue.next_sentence_id(seeded, "ana")
    mention = next(
        seeded.query("select id from mentions where sentence_id = ? order by start", [first])
    )
    review.record_label(seeded, "ana", mention["id"], "against", STANCE.label_names)
    review.accept_sentence(seeded, "ana", first)
    assert undo_last(seeded, "ana").sentence_id == first
    assert labels_of(seeded, first)[0] == ("against", "corrected")
    assert all(label is None for label, _ in labels_of(seeded, first)[1:])
    assert queue.next_sentence_id(seeded, "ana") == first
    assert undo_last(seeded, "ana").sentence_id == first
    assert all(label is None for label, _ in labels_of(seeded, first))
    assert undo_last(seeded, "ana") is None


def test_undo_of_a_relabel_restores_the_earlier_label(seeded):
    mention = next(seeded.query("select id, sentence_id from mentions order by id"))
    review.record_label(seeded, "ana", mention["id"], "against", STANCE.label_names)
    review.record_label(seeded, "ana", mention["id"], "neutral", STANCE.label_names)
    undo_last(seeded, "ana")
    assert labels_of(seeded, mention["sentence_id"])[0] == ("against", "corrected")


def test_skipped_sentences_come_back_at_the_end(seeded):
    first = queue.next_sentence_id(seeded, "ana")
    review.skip_sentence(seeded, "ana", first)
    assert queue.next_sentence_id(seeded, "ana") != first
    total = queue.review_progress(seeded, "ana")["total"]
    for _ in range(total - 1):
        review.accept_sentence(seeded, "ana", queue.next_sentence_id(seeded, "ana"))
    assert queue.next_sentence_id(seeded, "ana") == first


def test_with_overlap_one_each_sentence_goes_to_one_annotator(seeded):
    first = queue.next_sentence_id(seeded, "ana")
    second = queue.next_sentence_id(seeded, "ben")
    assert second != first
    assert queue.next_sentence_id(seeded, "ana") == first  # held until finished
    review.accept_sentence(seeded, "ana", first)
    third = queue.next_sentence_id(seeded, "ana")
    assert third not in (first, second)


def test_with_overlap_two_annotators_share_sentences(seeded):
    assignments.set_overlap(seeded, 2)
    first = queue.next_sentence_id(seeded, "ana")
    review.accept_sentence(seeded, "ana", first)
    assert queue.next_sentence_id(seeded, "ben") == first
    assert queue.next_sentence_id(seeded, "cleo") != first  # two places, both taken
    with pytest.raises(ValueError, match="between 1 and 20"):
        assignments.set_overlap(seeded, 0)


@pytest.mark.parametrize("order", queue.ORDERS)
def test_concurrent_annotators_never_exceed_k(db_path, seeded, order):
    """Eight threads, each its own connection, review everything they are served."""
    import threading

    from annotator.store.database import connect

    assignments.set_overlap(seeded, 3)
    served: dict[str, list[str]] = {}
    errors = []

    def work(name):
        db = connect(db_path)
        try:
            while (sentence_id := queue.next_sentence_id(db, name, order)) is not None:
                served.setdefault(name, []).append(sentence_id)
                review.accept_sentence(db, name, sentence_id)
        except Exception as error:  # surfaced below: a thread's failure must fail the test
            errors.append(error)
        finally:
            db.close()

    threads = [threading.Thread(target=work, args=(f"a{n}",)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    for name, sentences in served.items():
        assert len(sentences) == len(set(sentences)), name  # never served twice
    counts = [
        row["n"]
        for row in seeded.query(
            "select count(*) as n from reviews where status = 'done' group by sentence_id"
        )
    ]
    with_actors = seeded.execute("select count(distinct sentence_id) from mentions").fetchone()[0]
    assert len(counts) == with_actors and set(counts) == {3}
    assert seeded.table("assignments").count == 3 * with_actors


def test_a_place_taken_between_finding_and_claiming_a_sentence_is_not_taken_twice(
    seeded, monkeypatch
):
    """The queue finds a sentence without the write lock: another annotator may claim it
    before the lock is taken. The claim then looks for the next sentence."""
    find = queue_walk.first_free
    first = find(seeded, "ana", "document", 1, queue_walk.generation(seeded))

    def found_then_taken(db, annotator, order, k, since):
        candidate = find(db, annotator, order, k, since)
        if candidate == first:
            assignments.claim(db, first, "ben")  # ben's claim lands in between
        return candidate

    monkeypatch.setattr(queue_walk, "first_free", found_then_taken)
    second = queue.next_sentence_id(seeded, "ana")
    assert second not in (None, first)
    holders = seeded.query("select sentence_id, annotator from assignments order by annotator")
    assert [(r["sentence_id"], r["annotator"]) for r in holders] == [
        (second, "ana"),
        (first, "ben"),
    ]


def test_a_sentence_claimed_by_another_tab_meanwhile_is_served_not_a_second_one(
    seeded, monkeypatch
):
    find = queue_walk.first_free

    def found_while_the_other_tab_claims_it(db, annotator, order, k, since):
        candidate = find(db, annotator, order, k, since)
        assignments.claim(db, candidate, annotator)  # the same annotator's other tab
        return candidate

    monkeypatch.setattr(queue_walk, "first_free", found_while_the_other_tab_claims_it)
    first = queue.next_sentence_id(seeded, "ana")
    held = seeded.query("select sentence_id from assignments where annotator = 'ana'")
    assert [row["sentence_id"] for row in held] == [first]


def test_accept_without_prelabels_is_refused(db):
    import_file(db, SEED, "auto", STANCE.label_names)
    first = queue.next_sentence_id(db, "ana")
    with pytest.raises(review.ReviewError, match="no pre-label"):
        review.accept_sentence(db, "ana", first)
    assert db.table("annotations").count == 0 and db.table("reviews").count == 0


def test_unknown_label_and_mention_are_refused(seeded):
    with pytest.raises(review.ReviewError, match="not one of"):
        review.record_label(seeded, "ana", 1, "happy", STANCE.label_names)
    with pytest.raises(review.ReviewError, match="no mention"):
        review.record_label(seeded, "ana", 999999, "favor", STANCE.label_names)
    assert seeded.table("decisions").count == 0


class LengthModel(FirstLabelModel):
    """Less certain for longer sentences, so the uncertainty order is known in advance."""

    spec = "stub:length"

    def predict(self, pairs, scheme, batch_size=64):
        from annotator.models import Prediction

        first, second, third = scheme.label_names
        result = []
        for pair in pairs:
            gap = 1 / len(pair.sentence)
            scores = {first: 0.45 + gap, second: 0.45, third: 0.1 - gap}
            result.append(Prediction(first, scores[first], scores))
        return result


def test_uncertainty_order_serves_the_least_certain_sentence_first(db):
    import_file(db, SEED, "auto", STANCE.label_names)
    prelabel(db, LengthModel(), STANCE)
    longest = next(
        db.query(
            "select s.id from sentences s where exists (select 1 from mentions m where "
            "m.sentence_id = s.id) order by length(s.text) desc limit 1"
        )
    )["id"]
    assert queue.next_sentence_id(db, "ana", "uncertainty") == longest
    assert queue.next_sentence_id(db, "ana", "document") == "putin-visits-north-korea-and-vietnam:0"
    review.accept_sentence(db, "ana", longest)
    assert queue.next_sentence_id(db, "ana", "uncertainty") != longest
    with pytest.raises(review.ReviewError, match="unknown queue order"):
        queue.next_sentence_id(db, "ana", "random")


def test_margins_are_stored_with_predictions(seeded):
    margins = [row["margin"] for row in seeded.query("select margin from predictions")]
    assert margins and all(margin == pytest.approx(0.85) for margin in margins)


def test_labelling_the_last_actor_finishes_the_sentence_and_one_undo_reverses_it(seeded):
    first = queue.next_sentence_id(seeded, "ana")
    mentions = list(
        seeded.query("select id from mentions where sentence_id = ? order by start", [first])
    )
    assert len(mentions) > 1
    sentence_id, finished = review.record_label(
        seeded, "ana", mentions[0]["id"], "neutral", STANCE.label_names
    )
    assert (sentence_id, finished) == (first, False)
    _, finished = review.record_label(
        seeded, "ana", mentions[-1]["id"], "against", STANCE.label_names
    )
    assert finished
    stored = labels_of(seeded, first)
    assert stored[0] == ("neutral", "corrected") and stored[-1] == ("against", "corrected")
    assert all(item == ("favor", "accepted") for item in stored[1:-1])
    assert queue.next_sentence_id(seeded, "ana") != first
    assert undo_last(seeded, "ana").sentence_id == first
    assert labels_of(seeded, first)[0] == ("neutral", "corrected")
    assert all(label is None for label, _ in labels_of(seeded, first)[1:])
    assert queue.next_sentence_id(seeded, "ana") == first
