"""The adjudication page: a lead settles each disputed mention with one key."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_htmx import make_response as htmx_response

from annotator.store.adjudication import (
    adjudicate,
    dispute_counts,
    next_open_sentence,
    reopen,
    sentence_for_adjudication,
)
from annotator.store.corpus import get_sentence
from annotator.store.database import first_row

from .auth import current_annotator
from .db import get_db, get_scheme
from .forms import ActionForm, LabelForm
from .htmx import htmx

bp = Blueprint("adjudication", __name__)


def _render(sentence_id: str | None, focus: int | None = None, settled: str | None = None):
    """The adjudication page, or its partial for htmx. `settled`: a sentence whose last dispute
    was just settled, linked from the page so that its decisions can be reopened."""
    db = get_db()
    if settled and get_sentence(db, settled) is None:
        settled = None  # an id from the query string that names nothing here
    sentence = sentence_for_adjudication(db, sentence_id) if sentence_id else None
    if sentence_id and sentence is None:
        abort(404, f"No sentence {sentence_id!r} to adjudicate.")
    if sentence is not None and focus is None:  # the first open dispute
        focus = next((i for i, m in enumerate(sentence["mentions"]) if m["open"]), 0)
    context = {
        "sentence": sentence,
        "focus": focus or 0,
        "counts": dispute_counts(db),
        "action_form": ActionForm(),
        "settled": settled,
    }
    if htmx:
        push = (
            url_for("adjudication.sentence", sentence_id=sentence_id)
            if sentence_id
            else (url_for("adjudication.index"))
        )
        return htmx_response(render_template("_adjudication.html", **context), push_url=push)
    return render_template("adjudication.html", **context)


@bp.get("/adjudicate")
def index():
    return _render(next_open_sentence(get_db()), settled=request.args.get("settled"))


@bp.get("/adjudicate/<path:sentence_id>")
def sentence(sentence_id: str):
    return _render(sentence_id, settled=request.args.get("settled"))


def _after(sentence_id: str):
    """Stay on the sentence while it has open disputes, then go to the next one."""
    sentence = sentence_for_adjudication(get_db(), sentence_id)
    if any(m["open"] for m in sentence["mentions"]):
        target = sentence_id
    else:
        target = next_open_sentence(get_db())
    settled = None if target == sentence_id else sentence_id  # moved on: link back to it
    if htmx:
        return _render(target, settled=settled)
    if target is None:
        return redirect(url_for("adjudication.index", settled=settled), 303)
    return redirect(url_for("adjudication.sentence", sentence_id=target, settled=settled), 303)


def _mention_sentence(mention_id: int) -> str:
    row = first_row(get_db(), "select sentence_id from mentions where id = ?", [mention_id])
    if row is None:
        abort(404, f"No mention {mention_id} in this project.")
    return row["sentence_id"]


@bp.post("/adjudicate/mentions/<int:mention_id>")
def decide(mention_id: int):
    """Make the chosen label the mention's gold label."""
    sentence_id = _mention_sentence(mention_id)
    form = LabelForm(get_scheme().label_names)
    if not form.validate_on_submit():
        abort(400, "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items()))
    db = get_db()
    with db.atomic():
        adjudicate(db, mention_id, form.label.data, current_annotator())
    return _after(sentence_id)


@bp.post("/adjudicate/mentions/<int:mention_id>/reopen")
def undo(mention_id: int):
    """Withdraw an adjudication: the mention is disputed again."""
    sentence_id = _mention_sentence(mention_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    reopen(get_db(), mention_id)
    if htmx:
        return _render(sentence_id)
    return redirect(url_for("adjudication.sentence", sentence_id=sentence_id), 303)
