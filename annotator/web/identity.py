"""Who is annotating: a name given once and kept in the session."""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlsplit

from flask import Blueprint, redirect, render_template, request, session, url_for

from .forms import NameForm

bp = Blueprint("identity", __name__)


def current_annotator() -> str | None:
    return session.get("annotator")


def annotator_required(view):
    """Send visitors without a name to the name form, then back."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if current_annotator() is None:
            return redirect(url_for("identity.name", next=request.full_path), 303)
        return view(*args, **kwargs)

    return wrapped


def _safe_next(target: str | None) -> str:
    """Only same-site paths are followed after the name form."""
    if target and target.startswith("/") and not urlsplit(target).netloc and "\\" not in target:
        return target
    return url_for("review.next_item")


@bp.route("/annotator", methods=["GET", "POST"])
def name():
    form = NameForm(name=current_annotator())
    if form.validate_on_submit():
        session["annotator"] = form.name.data.strip()
        return redirect(_safe_next(request.args.get("next")), 303)
    status = 400 if form.errors else 200
    return render_template("name.html", form=form), status
