"""The review card as every review action answers with it: the card itself (a page, or the
`#review` partial for htmx), where an action lands, and the refusals that keep the annotator
on the card. Shared by the review routes and the actor fixes made from the card."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_htmx import make_response as htmx_response
from flask_login import current_user
from werkzeug.exceptions import Conflict, HTTPException, NotFound

from annotator.schemes import OVERALL_CHOICES
from annotator.store import queue
from annotator.store import review as store
from annotator.store.assignments import NotHolderError, may_act_on, require_holder
from annotator.store.corpus import get_sentence
from annotator.store.mention_edits import LabelledByOthersError
from annotator.store.prelabels import parse_shown
from annotator.store.users import LEAD

from .auth import current_annotator
from .db import get_db
from .errors import refused
from .forms import ActionForm, FlagForm, OrderForm
from .htmx import htmx

OVERALL_STOP = 10_000  # a focus past the last actor lands on the overall question


def unknown_target(error: store.ReviewError):
    """A decision about a mention or sentence that does not exist (undone in another tab):
    the app's refusal page, or its message alone for htmx."""
    return refused(NotFound(str(error)))


def mention_gone(error: store.MentionGoneError):
    """A decision about a mention removed since the page was loaded. htmx gets the card it
    was pressed on as it is now, the reason above it, so the next key acts on what is there;
    a plain form gets the refusal page, saying to reload."""
    if htmx:
        return _refused_on_shown_card(f"{error} Here is the sentence as it is now.")
    advice = "Go back and reload the page to see the sentence as it is now."
    return refused(NotFound(f"{error} {advice}"))


def shown_sentence_id() -> str | None:
    """The sentence on the review page that sent this htmx request (its HX-Current-URL), if
    this annotator may act on it; None when the page is another one."""
    path = unquote(urlsplit(htmx.current_url or "").path)  # as the URL map reads paths
    try:
        endpoint, args = current_app.url_map.bind("localhost").match(path, method="GET")
    except HTTPException:
        return None
    sentence_id = args.get("sentence_id") if endpoint == "review.sentence" else None
    if sentence_id is None or get_sentence(get_db(), sentence_id) is None:
        return None
    if current_user.can(LEAD) or may_act_on(get_db(), sentence_id, current_annotator()):
        return sentence_id
    return None


def not_asked(error: store.NotAskedError):
    """An answer to a question the project does not ask: refused, nothing stored."""
    return refused(Conflict(str(error)))


def not_in_queue(error: NotHolderError):
    """A sentence whose places other annotators hold: refused, saying why, nothing changed.

    htmx swaps this 403 (see `responseHandling` in base.html): the reason takes the card's
    place, so a key that was refused never looks as if it did nothing."""
    if htmx:
        return render_template("_not_in_queue.html", message=str(error)), 403
    return render_template("error.html", title="Not yours to change", message=str(error)), 403


def labelled_by_others(error: NotHolderError):
    """A fix refused because another annotator labelled the mention: htmx gets the card it was
    pressed on with the reason above it, as other refused fixes do; a plain form the page."""
    if htmx:
        return _refused_on_shown_card(str(error))
    return not_in_queue(error)


def _refused_on_shown_card(message: str):
    """The card the refused key was pressed on (else the next one), the reason above it."""
    return respond_failed(shown_sentence_id() or next_id(), message)


def open_sentence(sentence_id: str) -> None:
    """Let the caller open a sentence only if it is theirs (leads look at any sentence).

    404 for an unknown sentence; a free place is claimed, as the queue would.
    """
    db = get_db()
    if get_sentence(db, sentence_id) is None:
        abort(404, f"No sentence {sentence_id!r} in this project.")
    require_holder(db, sentence_id, current_annotator(), anywhere=current_user.can(LEAD))


def queue_order() -> str:
    """The annotator's chosen queue order (kept with the account), else the configured default."""
    order = current_user.queue_order or current_app.config["REVIEW_ORDER"]
    return order if order in queue.ORDERS else "document"


def next_id() -> str | None:
    return queue.next_sentence_id(get_db(), current_annotator(), queue_order())


def render_card(
    sentence_id: str | None,
    focus: int | None = None,
    error: str | None = None,
    status: int = 200,
    entry: dict | None = None,
    notice: str | None = None,
    flag_form: FlagForm | None = None,
):
    """The review page, or its `#review` partial plus the out-of-band progress for htmx.
    `focus`: the card's focus stop; None for the first actor this annotator has not labelled
    (a card opened again, or after a flag, goes on where the work is). `entry`: a refused
    missed actor (`respond_failed`). `notice`: a line that informs without refusing anything.
    `flag_form`: a refused flag, shown in the open flag panel with its errors.
    """
    db, annotator = get_db(), current_annotator()
    sentence = queue.sentence_for_review(db, sentence_id, annotator) if sentence_id else None
    if sentence_id and sentence is None:
        abort(404, f"No sentence {sentence_id!r} in this project.")
    if focus is None:
        mentions = sentence["mentions"] if sentence else []
        focus = next((i for i, m in enumerate(mentions) if m["label"] is None), 0)
    if sentence is not None:
        # The overall question, when asked, is one more stop after the last actor.
        stops = len(sentence["mentions"]) + (1 if sentence["overall"]["asked"] else 0)
        focus = min(max(focus, 0), max(stops - 1, 0))
    context = {
        "sentence": sentence,
        "focus": focus,
        "error": error,
        "notice": notice,
        "entry": entry,
        "flag_form": flag_form or flag_form_for(sentence),
        "flag_open": flag_form is not None,
        "progress": queue.review_progress(db, annotator),
        "action_form": ActionForm(),
        "order_form": OrderForm(order=queue_order()),
        "overall_choices": OVERALL_CHOICES,
    }
    if htmx:
        body = render_template("_review.html", oob=True, **context)
        if sentence_id:
            push = url_for("review.sentence", sentence_id=sentence_id)
        else:
            push = url_for("review.next_item")
        return htmx_response(body, status, push_url=push)
    return render_template("review.html", **context), status


def flag_form_for(sentence: dict | None) -> FlagForm | None:
    """The card's flag panel, filled in with the sentence's flag if it has one."""
    return FlagForm(formdata=None, data=sentence["flag"] or None) if sentence else None


def focus_on(sentence_id: str, mention_id: int | None) -> int:
    """The card's focus index of a mention of the sentence (the first actor if it is gone)."""
    sentence = queue.sentence_for_review(get_db(), sentence_id, current_annotator())
    mentions = [m["id"] for m in sentence["mentions"]] if sentence else []
    return mentions.index(mention_id) if mention_id in mentions else 0


def posted_shown() -> dict[int, str] | None:
    """The pre-labels the card showed when the decision was made (`prelabels.shown_token`,
    sent with each decision that may finish a sentence); None from a client that sends none."""
    token = request.form.get("shown")
    if token is None:
        return None
    try:
        return parse_shown(token)
    except ValueError as error:
        abort(400, f"shown: {error}")


def respond_after(sentence_id: str | None, focus: int | None = None, notice: str | None = None):
    """Where an action lands: a redirect for plain forms, the partial for htmx. `notice`: a
    line that informs (on the card for htmx; flashed onto the page a redirect leads to)."""
    if htmx:
        return render_card(sentence_id, focus, notice=notice)
    if notice:
        flash(notice, "info")
    if sentence_id is None:
        return redirect(url_for("review.next_item"), 303)
    return redirect(url_for("review.sentence", sentence_id=sentence_id, focus=focus), 303)


def respond_failed(
    sentence_id: str | None,
    message: str,
    focus: int | None = None,
    status: int = 409,
    entry: dict | None = None,
):
    """A rejected action: the same view with the message beside it. A plain form gets the
    page with `status` (409: refused as things stand; 400: the form itself was wrong); htmx
    gets 200, since it swaps no 4xx reply but a 403 (`responseHandling` in base.html) and the
    annotator would see nothing happen. `entry`: what was typed into the card's Add a missed
    actor panel, shown again in the open panel with the message beside it, to correct rather
    than retype."""
    status = 200 if htmx else status
    if entry is not None:
        return render_card(sentence_id, focus, status=status, entry={**entry, "error": message})
    return render_card(sentence_id, focus, error=message, status=status)


def answer_refusals(blueprint) -> None:
    """Have a blueprint of actions on the card answer a refused decision the card's way."""
    blueprint.register_error_handler(store.ReviewError, unknown_target)
    blueprint.register_error_handler(store.MentionGoneError, mention_gone)
    blueprint.register_error_handler(store.NotAskedError, not_asked)
    blueprint.register_error_handler(NotHolderError, not_in_queue)
    blueprint.register_error_handler(LabelledByOthersError, labelled_by_others)
