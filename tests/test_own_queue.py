"""An annotator acts only on sentences in their own queue, straight against the store."""

import pytest

from annotator.ingest import import_file
from annotator.prelabel import prelabel
from annotator.schemes import get_scheme
from annotator.store import assignments, queue, review
from annotator.store.assignments import NotHolderError, set_overlap
from annotator.store.flags import flag_sentence
from annotator.store.mention_edits import add_mention, reassign_mention, remove_mention
from annotator.store.overall import set_question

from .conftest import SEED, decisions_state

STANCE = get_scheme("stance")


@pytest.fixture
def seeded(db, stub_model):
    import_file(db, SEED, "auto", STANCE.label_names)
    prelabel(db, stub_model, STANCE)
    return db


def first_mention(db, sentence_id: str) -> int:
    return next(
        db.query("select id from mentions where sentence_id = ? order by start", [sentence_id])
    )["id"]


def actions(db, sentence_id: str) -> dict:
    """Each decision an annotator can make on the sentence, as a call taking their name."""
    mention = first_mention(db, sentence_id)
    words = "honor guard"
    start = db.table("sentences").get(sentence_id)["text"].index(words)
    return {
        "label": lambda who: review.record_label(db, who, mention, "against", STANCE.label_names),
        "accept": lambda who: review.accept_sentence(db, who, sentence_id),
        "overall": lambda who: review.record_overall(db, who, sentence_id, "negative"),
        "skip": lambda who: review.skip_sentence(db, who, sentence_id),
        "flag": lambda who: flag_sentence(db, who, sentence_id, "sarcasm", "mine"),
        "add": lambda who: add_mention(db, who, sentence_id, start, start + len(words)),
        "reassign": lambda who: reassign_mention(db, who, mention, "Somebody Else"),
        "remove": lambda who: remove_mention(db, who, mention),
    }


def test_with_every_place_taken_no_other_annotator_acts(seeded):
    set_question(seeded, True)  # every decision there is, the overall question's too
    held = queue.next_sentence_id(seeded, "ana")  # k = 1: the place is ana's
    review.record_label(seeded, "ana", first_mention(seeded, held), "favor", STANCE.label_names)
    before = decisions_state(seeded)
    assert assignments.may_act_on(seeded, held, "ana")
    assert not assignments.may_act_on(seeded, held, "ben")
    for name, act in actions(seeded, held).items():
        with pytest.raises(assignments.NotHolderError, match="held by another annotator"):
            act("ben")
        assert decisions_state(seeded) == before, name
    for act in actions(seeded, held).values():
        act("ana")  # the same decisions are the holder's to make


def test_a_free_place_is_taken_by_the_first_decision(seeded):
    assignments.set_overlap(seeded, 2)
    held = queue.next_sentence_id(seeded, "ana")
    assert assignments.may_act_on(seeded, held, "ben")
    review.record_label(seeded, "ben", first_mention(seeded, held), "favor", STANCE.label_names)
    holders = seeded.query(
        "select annotator from assignments where sentence_id = ? order by annotator", [held]
    )
    assert [row["annotator"] for row in holders] == ["ana", "ben"]
    with pytest.raises(assignments.NotHolderError, match="held by 2 other annotators"):
        review.skip_sentence(seeded, "cleo", held)


def test_a_refused_decision_claims_nothing_and_a_failed_one_keeps_no_claim(seeded):
    assignments.set_overlap(seeded, 2)
    held = queue.next_sentence_id(seeded, "ana")
    with pytest.raises(review.ReviewError):
        review.record_label(seeded, "ben", first_mention(seeded, held), "x", STANCE.label_names)
    with pytest.raises(review.ReviewError, match="overlaps"):
        add_mention(seeded, "ben", held, 0, len(seeded.table("sentences").get(held)["text"]))
    assert seeded.table("assignments").count_where("annotator = 'ben'") == 0


def test_leads_fix_actors_anywhere_but_label_only_their_own(seeded):
    held = queue.next_sentence_id(seeded, "ana")
    calls = actions(seeded, held)
    mention = first_mention(seeded, held)
    assert reassign_mention(seeded, "lea", mention, "Somebody Else", lead=True) == held
    words = "honor guard"
    start = seeded.table("sentences").get(held)["text"].index(words)
    add_mention(seeded, "lea", held, start, start + len(words), lead=True)
    assert remove_mention(seeded, "lea", mention, lead=True) == held
    with pytest.raises(assignments.NotHolderError):
        calls["accept"]("lea")
    assert seeded.table("assignments").count_where("annotator = 'lea'") == 0


def test_an_annotator_never_moves_or_removes_a_mention_another_labelled(seeded):
    set_overlap(seeded, 2)  # ana and ben both hold the sentence
    first = seeded.execute("select id, sentence_id from mentions order by id").fetchone()
    review.record_label(seeded, "ana", first[0], "favor", STANCE.label_names)
    before = decisions_state(seeded)
    with pytest.raises(NotHolderError, match="only a lead"):
        remove_mention(seeded, "ben", first[0])
    with pytest.raises(NotHolderError, match="only a lead"):
        reassign_mention(seeded, "ben", first[0], "Somebody Else")
    assert decisions_state(seeded) == before
    remove_mention(seeded, "lea", first[0], lead=True)  # a lead may
    assert seeded.table("mentions").count_where("id = ?", [first[0]]) == 0
