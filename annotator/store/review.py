"""An annotator's review queue and decisions: label, accept, skip, and undo.

Every decision is one transaction that also logs how to reverse it, so `undo_last`
can walk back through an annotator's decisions one at a time.
"""

from __future__ import annotations

from sqlite_utils import Database

from .anchoring import hide_predictions, prelabels_hidden
from .assignments import require_holder
from .corpus import get_sentence, mentions_of_sentences
from .database import (
    first_row,
    now,
    upsert_row,
    upsert_stamped,
)
from .decision_log import log_decision
from .imports import published
from .overall import question_enabled, question_open, write_overall
from .prelabels import shown_prediction_id
from .review_states import ACCEPTED, CORRECTED, DONE, MANUAL, REQUEUED, SKIPPED


class ReviewError(ValueError):
    """A decision that cannot be applied (unknown mention, no label to accept, …)."""


class MentionGoneError(ReviewError):
    """A decision about a mention that is not there: most often one removed (or its addition
    undone) in another tab or by a lead since the page was loaded. The web layer answers it
    with the sentence as it is now where it can."""


class PrelabelsChangedError(ReviewError):
    """An accept from a card whose pre-labels are no longer the ones it would take: another
    model became active, or an actor was added, since the card was shown."""


PRELABELS_CHANGED = (
    "The pre-labels on this card changed since it was shown (another model is active now, or"
    " an actor was added): nothing was taken from them. Look at them again, then accept."
)


def prelabels_changed(
    db: Database, annotator: str, sentence_id: str, shown: dict[int, str] | None
) -> bool:
    """Whether accepting now would label some actor otherwise than the card showed it (an
    actor the card did not show at all counts). `shown` None: nothing to compare with."""
    if shown is None:
        return False
    now_shown = {m["id"]: m["predicted"] or "" for m in _unlabelled(db, annotator, sentence_id)}
    return any(shown.get(mention, None) != label for mention, label in now_shown.items())


def no_mention(mention_id: int) -> MentionGoneError:
    """The one wording of a decision about a mention that is not there."""
    return MentionGoneError(
        f"no mention with id {mention_id}: it was removed since this page was loaded"
        " (or never existed)."
    )


class NotAskedError(ReviewError):
    """An answer to a question the project does not ask."""


def status_for(label: str, predicted: str | None) -> str:
    """How a gold label relates to the pre-label the annotator saw."""
    if predicted is None:
        return MANUAL
    return ACCEPTED if label == predicted else CORRECTED


def review_row(db: Database, sentence_id: str, annotator: str) -> dict | None:
    return first_row(
        db,
        "select * from reviews where sentence_id = ? and annotator = ?",
        [sentence_id, annotator],
    )


def _write_annotation(
    db: Database,
    mention_id: int,
    annotator: str,
    label: str,
    prediction: dict | None,
    shown: bool = True,
) -> dict | None:
    """Upsert the annotator's label on a mention; return the row it replaced.

    `prediction` (id, label) is the pre-label shown beside it, which the status is judged
    against and which is kept with the label; `shown` records whether the annotator saw
    pre-labels on this sentence at all (see `anchoring`).
    """
    predicted = prediction["label"] if prediction else None
    return upsert_stamped(
        db,
        "annotations",
        {
            "mention_id": mention_id,
            "annotator": annotator,
            "label": label,
            "status": status_for(label, predicted),
            "prelabel_shown": int(shown),
            "prediction_id": prediction["id"] if prediction else None,
        },
        ("mention_id", "annotator"),
    )


def _write_review(db: Database, sentence_id: str, annotator: str, status: str) -> dict | None:
    """Set the annotator's review state of a sentence; return the row it replaced.

    Only decisions that passed `require_holder` get here, so the annotator holds the sentence.
    """
    previous = review_row(db, sentence_id, annotator)
    upsert_row(
        db,
        "reviews",
        {"sentence_id": sentence_id, "annotator": annotator, "status": status, "updated": now()},
        ("sentence_id", "annotator"),
    )
    return previous


def record_label(
    db: Database,
    annotator: str,
    mention_id: int,
    label: str,
    labels: list[str],
    shown: dict[int, str] | None = None,
) -> tuple[str, bool]:
    """Set the annotator's label on one mention; return (sentence id, whether it finished it).

    Labelling the sentence's last actor finishes the sentence, as Enter would: the other
    actors keep their labels or take their pre-labels, and the sentence counts as
    reviewed. Label and finish are one decision, so one undo reverses both. It does not
    finish where the pre-labels it would take are not the `shown` ones (`prelabels_changed`).
    """
    if label not in labels:
        raise ReviewError(f"label {label!r} is not one of {', '.join(labels)}")
    mention = first_row(
        db,
        f"""
        select m.sentence_id, p.id as prediction_id, p.label as predicted,
          not exists (select 1 from mentions later where later.sentence_id = m.sentence_id
            and (later.start > m.start or (later.start = m.start and later."end" > m."end")))
            as is_last
        from mentions m join sentences s on s.id = m.sentence_id
        left join predictions p on p.id = {shown_prediction_id("m.id")}
        where m.id = ? and {published("s.document_id")}
        """,
        [mention_id],
    )
    if mention is None:
        raise no_mention(mention_id)
    sentence_id = mention["sentence_id"]
    hidden = prelabels_hidden(db, sentence_id, annotator)
    beside = None
    if not hidden and mention["prediction_id"] is not None:
        beside = {"id": mention["prediction_id"], "label": mention["predicted"]}
    with db.atomic():
        require_holder(db, sentence_id, annotator)
        previous = _write_annotation(db, mention_id, annotator, label, beside, not hidden)
        undo = {"annotations": [{"mention_id": mention_id, "previous": previous}]}
        finished = (
            bool(mention["is_last"])
            and _can_accept(db, annotator, sentence_id)
            and not question_open(db, sentence_id, annotator)
            and not prelabels_changed(db, annotator, sentence_id, shown)
        )
        if finished:
            changes, review = _accept_rest(db, annotator, sentence_id)
            undo = {"annotations": undo["annotations"] + changes, "review": review}
        log_decision(db, annotator, sentence_id, "label+finish" if finished else "label", undo)
    return sentence_id, finished


def _unlabelled(db: Database, annotator: str, sentence_id: str) -> list[dict]:
    """The sentence's mentions the annotator has not labelled, with the pre-labels they see."""
    mentions = mentions_of_sentences(db, [sentence_id], annotator).get(sentence_id, [])
    if prelabels_hidden(db, sentence_id, annotator):
        hide_predictions(mentions)
    return [m for m in mentions if m["label"] is None]


def _can_accept(db: Database, annotator: str, sentence_id: str) -> bool:
    """Whether every unlabelled actor of the sentence has a pre-label to take."""
    return all(m["predicted"] is not None for m in _unlabelled(db, annotator, sentence_id))


def _accept_rest(
    db: Database, annotator: str, sentence_id: str, finish: bool = True
) -> tuple[list[dict], dict | None]:
    """Give unlabelled actors their pre-labels and (if `finish`) mark the sentence done.

    Returns undo data: the annotation changes and the replaced review row.
    """
    changes = _confirm_requeued(db, annotator, sentence_id) + [
        {
            "mention_id": m["id"],
            "previous": _write_annotation(
                db,
                m["id"],
                annotator,
                m["predicted"],
                _card_prelabel(m),
            ),
        }
        for m in _unlabelled(db, annotator, sentence_id)
    ]
    if not finish:
        return changes, review_row(db, sentence_id, annotator)
    return changes, _write_review(db, sentence_id, annotator, DONE)


def _card_prelabel(mention: dict) -> dict | None:
    """The pre-label a card row shows, as `_write_annotation` keeps it beside a label."""
    if mention["predicted_id"] is None:
        return None
    return {"id": mention["predicted_id"], "label": mention["predicted"]}


def _confirm_requeued(db: Database, annotator: str, sentence_id: str) -> list[dict]:
    """On a sentence sent back to the annotator, keep each label they give again against the
    pre-label now on their card, so its status (accepted / corrected) says how it compares
    with the model that sent it back. Returns undo data, as `_accept_rest` does."""
    review = review_row(db, sentence_id, annotator)
    if review is None or review["status"] != REQUEUED:
        return []
    if prelabels_hidden(db, sentence_id, annotator):
        return []
    mentions = mentions_of_sentences(db, [sentence_id], annotator).get(sentence_id, [])
    return [
        {
            "mention_id": m["id"],
            "previous": _write_annotation(
                db,
                m["id"],
                annotator,
                m["label"],
                _card_prelabel(m),
            ),
        }
        for m in mentions
        if m["label"] is not None
    ]


def accept_sentence(
    db: Database, annotator: str, sentence_id: str, shown: dict[int, str] | None = None
) -> bool:
    """Keep the annotator's labels, take the pre-label for every other mention, mark it done.

    While the overall question is unanswered the sentence stays open for it; returns whether
    the sentence was finished. Refused (`PrelabelsChangedError`) where the pre-labels it
    would take are not the `shown` ones.
    """
    if get_sentence(db, sentence_id) is None or not mentions_of_sentences(db, [sentence_id]):
        raise ReviewError(f"no sentence with actors has id {sentence_id!r}")
    with db.atomic():
        require_holder(db, sentence_id, annotator)
        missing = [m["text"] for m in _unlabelled(db, annotator, sentence_id) if not m["predicted"]]
        if missing:
            why = (
                "pre-labels hidden here"
                if prelabels_hidden(db, sentence_id, annotator)
                else ("no pre-label yet")
            )
            raise ReviewError(f"label these actors first ({why}): {', '.join(missing)}")
        if prelabels_changed(db, annotator, sentence_id, shown):
            raise PrelabelsChangedError(PRELABELS_CHANGED)
        finish = not question_open(db, sentence_id, annotator)
        done = review_row(db, sentence_id, annotator)
        if (
            finish
            and done
            and done["status"] == DONE
            and not _unlabelled(db, annotator, sentence_id)
        ):
            return True  # accepted already (a resubmitted form): nothing to do or to undo
        changes, previous = _accept_rest(db, annotator, sentence_id, finish)
        log_decision(
            db, annotator, sentence_id, "accept", {"annotations": changes, "review": previous}
        )
    return finish


def record_overall(
    db: Database,
    annotator: str,
    sentence_id: str,
    label: str,
    shown: dict[int, str] | None = None,
) -> bool:
    """Answer the overall question; like the last actor's label, it finishes the sentence
    when every actor has a label or a pre-label. Returns whether it finished it. Refused
    where the project does not ask the question: nobody was asked, so it is no decision."""
    if get_sentence(db, sentence_id) is None:
        raise ReviewError(f"no sentence with id {sentence_id!r}")
    with db.atomic():
        require_holder(db, sentence_id, annotator)
        if not question_enabled(db):
            raise NotAskedError("this project does not ask each sentence's overall sentiment")
        try:
            previous = write_overall(db, sentence_id, annotator, label)
        except ValueError as error:
            raise ReviewError(str(error)) from None
        undo = {"annotations": [], "overall": [sentence_id, annotator, previous]}
        finished = _can_accept(db, annotator, sentence_id) and not prelabels_changed(
            db, annotator, sentence_id, shown
        )
        if finished:
            undo["annotations"], undo["review"] = _accept_rest(db, annotator, sentence_id)
        log_decision(db, annotator, sentence_id, "overall+finish" if finished else "overall", undo)
    return finished


def skip_sentence(db: Database, annotator: str, sentence_id: str) -> None:
    """Move the sentence to the end of the annotator's queue."""
    if get_sentence(db, sentence_id) is None:
        raise ReviewError(f"no sentence with id {sentence_id!r}")
    with db.atomic():
        require_holder(db, sentence_id, annotator)
        previous = _write_review(db, sentence_id, annotator, SKIPPED)
        log_decision(db, annotator, sentence_id, "skip", {"annotations": [], "review": previous})
