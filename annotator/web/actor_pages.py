"""The actors page: every actor of the project, merging two of them, undoing a merge.

A refused merge answers with the page itself, the names typed kept and the reason beside the
form: 400 for a field the form refuses (empty, too long, invisible characters), 409 for a merge
the project's actors refuse (an actor that is not there, perhaps merged away a moment ago)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for

from annotator.store.actors import ActorError, list_actors, merge_actors, recent_merges, undo_merge
from annotator.store.corpus import project_aliases

from .db import get_db
from .forms import ActionForm, MergeForm

bp = Blueprint("actors", __name__)


def _page(form: MergeForm, status: int = 200):
    db = get_db()
    html = render_template(
        "actors.html",
        actors=list_actors(db),
        merges=recent_merges(db),
        aliases=project_aliases(db),
        form=form,
        action_form=ActionForm(),
    )
    return html, status


@bp.get("/actors")
def index():
    return _page(MergeForm())


@bp.post("/actors/merge")
def merge():
    form = MergeForm()
    if not form.validate_on_submit():
        return _page(form, 400)
    try:
        merge_actors(get_db(), form.source.data, form.target.data)
    except ActorError as error:
        form.form_errors.append(str(error))
        return _page(form, 409)
    flash(
        f"Merged ‘{form.source.data}’ into ‘{form.target.data}’ in every document; "
        "later imports will do the same.",
        "info",
    )
    return redirect(url_for("actors.index"), 303)


@bp.post("/actors/merges/<int:merge_id>/undo")
def undo(merge_id: int):
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        undo_merge(get_db(), merge_id)
    except ActorError as error:
        abort(404, str(error))
    flash("Merge undone.", "info")
    return redirect(url_for("actors.index"), 303)
