"""Reviewing one sentence at a time: label, accept, skip and undo, from keys or buttons."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import current_user
from werkzeug.exceptions import MethodNotAllowed

from annotator.store import queue
from annotator.store import review as store
from annotator.store.corpus import get_sentence
from annotator.store.flags import flag_sentence, list_flags
from annotator.store.undo import undo_last
from annotator.store.users import LEAD, set_queue_order

from .access import requires
from .auth import current_annotator
from .db import get_db, get_scheme
from .forms import ActionForm, FlagForm, LabelForm, OrderForm, OverallForm
from .htmx import htmx
from .job_queue import learn_when_due
from .review_card import (
    OVERALL_STOP,
    answer_refusals,
    focus_on,
    next_id,
    open_sentence,
    posted_shown,
    render_card,
    respond_after,
    respond_failed,
)

bp = Blueprint("review", __name__)
SAVED_BUT_PRELABELS_CHANGED = (
    "Saved. The pre-labels of the actors still to label changed since the card was shown"
    " (another model is active now, or an actor was added), so the sentence is not finished:"
    " look at them again, then accept."
)
answer_refusals(bp)


@bp.get("/review")
def next_item():
    return render_card(next_id())


@bp.get("/review/<path:sentence_id>")
def sentence(sentence_id: str):
    open_sentence(sentence_id)
    return render_card(sentence_id, request.args.get("focus", type=int))


@bp.post("/mentions/<int:mention_id>/label")
def label(mention_id: int):
    form = LabelForm(get_scheme().label_names)
    if not form.validate_on_submit():
        abort(400, "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items()))
    shown = posted_shown()
    sentence_id, finished = store.record_label(
        get_db(), current_annotator(), mention_id, form.label.data, get_scheme().label_names, shown
    )
    learn_when_due(get_db())
    if finished:  # the last actor was labelled: the sentence is saved, on to the next
        return respond_after(next_id())
    return respond_after(sentence_id, form.focus.data or 0, _why_not_finished(sentence_id, shown))


@bp.post("/sentences/<path:sentence_id>/accept")
def accept(sentence_id: str):
    if not ActionForm().validate_on_submit():
        abort(400)
    if get_sentence(get_db(), sentence_id) is None:  # as skip and flag answer it
        abort(404, f"No sentence {sentence_id!r} in this project.")
    try:
        finished = store.accept_sentence(get_db(), current_annotator(), sentence_id, posted_shown())
    except store.ReviewError as error:
        return respond_failed(sentence_id, str(error))
    learn_when_due(get_db())
    if not finished:  # the overall question is still open: go to it
        return respond_after(sentence_id, OVERALL_STOP)
    return respond_after(next_id())


@bp.post("/sentences/<path:sentence_id>/overall")
def overall(sentence_id: str):
    """Answer the overall question; with every actor labelled, the sentence is saved."""
    form = OverallForm()
    if not form.validate_on_submit():
        abort(400, "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items()))
    shown = posted_shown()
    if store.record_overall(get_db(), current_annotator(), sentence_id, form.label.data, shown):
        return respond_after(next_id())
    return respond_after(sentence_id, 0, _why_not_finished(sentence_id, shown))


def _why_not_finished(sentence_id: str, shown: dict[int, str] | None) -> str | None:
    """A saved decision that left its sentence open: a notice when that is because the
    pre-labels it would have taken are no longer the ones the card showed."""
    if store.prelabels_changed(get_db(), current_annotator(), sentence_id, shown):
        return SAVED_BUT_PRELABELS_CHANGED
    return None


@bp.post("/sentences/<path:sentence_id>/skip")
def skip(sentence_id: str):
    if not ActionForm().validate_on_submit():
        abort(400)
    store.skip_sentence(get_db(), current_annotator(), sentence_id)
    return respond_after(next_id())


@bp.post("/review/undo")
def undo():
    if not ActionForm().validate_on_submit():
        abort(400)
    undone = undo_last(get_db(), current_annotator())
    if undone is None:  # not a refusal: there is simply nothing left to take back
        return render_card(next_id(), notice="Nothing to undo.")
    if undone.overall:  # back to the question it answered
        return respond_after(undone.sentence_id, OVERALL_STOP)
    return respond_after(undone.sentence_id, focus_on(undone.sentence_id, undone.mention_id))


@bp.get("/review/undo")
@bp.get("/review/order")
def post_only():
    """These take a post. Without this a GET would be read as a sentence called "undo"."""
    raise MethodNotAllowed(valid_methods=["POST"])


@bp.post("/review/order")
def order():
    form = OrderForm()
    if not form.validate_on_submit():
        abort(400, "unknown queue order")
    set_queue_order(get_db(), current_user.user_id, form.order.data)
    current_user.queue_order = form.order.data
    return respond_after(next_id())


@bp.route("/sentences/<path:sentence_id>/flag", methods=["GET", "POST"])
def flag(sentence_id: str):
    """The flag form's post, from the card's flag panel; the form as a page of its own for a
    GET (a browser without scripts, or a link)."""
    open_sentence(sentence_id)
    sentence = queue.sentence_for_review(get_db(), sentence_id, current_annotator())
    form = FlagForm(data=sentence["flag"] or None)
    if form.validate_on_submit():
        flag_sentence(
            get_db(), current_annotator(), sentence_id, form.reason.data, form.comment.data
        )
        return respond_after(sentence_id)
    if htmx and form.errors:  # the card again, its flag panel open with the errors (200:
        return render_card(sentence_id, flag_form=form)  # htmx swaps no 4xx reply)
    status = 400 if form.errors else 200
    return render_template("flag.html", form=form, sentence=sentence), status


@bp.get("/flags")
@requires(LEAD)
def flags():
    """Every flagged sentence, for leads."""
    return render_template("flags.html", flags=list_flags(get_db()))
