"""Fixing actors from the review card: add a missed mention, move one, or remove one."""

from __future__ import annotations

from flask import Blueprint, abort
from flask_login import current_user

from annotator.store.mention_edits import (
    add_mention,
    find_words,
    reassign_mention,
    remove_mention,
)
from annotator.store.review import ReviewError
from annotator.store.users import LEAD

from .auth import current_annotator
from .db import get_db
from .forms import ActionForm, ActorForm, MentionForm
from .review_card import (
    answer_refusals,
    focus_on,
    open_sentence,
    respond_after,
    respond_failed,
)

bp = Blueprint("mention_fixes", __name__)
answer_refusals(bp)


def _lead() -> bool:
    """Leads fix actors on any sentence; annotators only on theirs."""
    return current_user.can(LEAD)


@bp.post("/mentions/<int:mention_id>/actor")
def reassign(mention_id: int):
    """Move a mention to another actor of its document (a new name creates the actor)."""
    form = ActorForm()
    if not form.validate_on_submit():
        abort(400, "give an actor name of 1 to 100 characters")
    sentence_id = reassign_mention(
        get_db(), current_annotator(), mention_id, form.actor.data, lead=_lead()
    )
    return respond_after(sentence_id, focus_on(sentence_id, mention_id))


@bp.post("/mentions/<int:mention_id>/remove")
def remove(mention_id: int):
    """Drop a span that names no actor; undo brings it back with its labels."""
    if not ActionForm().validate_on_submit():
        abort(400)
    sentence_id = remove_mention(get_db(), current_annotator(), mention_id, lead=_lead())
    return respond_after(sentence_id)


@bp.post("/sentences/<path:sentence_id>/mentions")
def add(sentence_id: str):
    """Add a missed mention, from a selection in the sentence or from typed words."""
    db, form = get_db(), MentionForm()
    open_sentence(sentence_id)  # nothing of another's sentence is shown, not even an error
    entry = {"text": form.text.data or "", "actor": form.actor.data or ""}
    if not form.validate_on_submit():
        field, messages = next(iter(form.errors.items()))
        message = f"{form[field].label.text}: {messages[0]}"
        return respond_failed(sentence_id, message, status=400, entry=entry)
    others = 0  # other places the typed words are in, not taken
    try:
        if form.start.data is None:
            start, end, others = find_words(db, sentence_id, form.text.data)
        else:
            start, end = form.start.data, form.end.data
            words = db.table("sentences").get(sentence_id)["text"][start:end]
            if words != form.text.data:
                raise ReviewError(
                    f"the words at {start}-{end} are “{words}”, not “{form.text.data}”"
                )
        mention_id = add_mention(
            db, current_annotator(), sentence_id, start, end, form.actor.data, lead=_lead()
        )
    except ReviewError as error:
        return respond_failed(sentence_id, str(error), entry=entry)
    note = None
    if others:  # say which place was taken, and how to take another
        words = " ".join(form.text.data.split())
        note = (
            f"“{words}” is in the sentence {others + 1} times: the first was marked. For"
            " another, undo (u) and type more of the words around it, or select it."
        )
    return respond_after(sentence_id, focus_on(sentence_id, mention_id), notice=note)
