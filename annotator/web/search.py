"""Searching sentences by text and filtering them by actor, label, status, person and model."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from annotator.store.prelabels import model_specs
from annotator.store.search import SentenceFilter, search_sentences

from .db import get_db, get_scheme
from .forms import SearchForm
from .htmx import htmx

bp = Blueprint("search", __name__)
LIMIT = 100


@bp.get("/search")
def sentences():
    db = get_db()
    models = [row["spec"] for row in model_specs(db)]
    form = SearchForm(get_scheme().label_names, models, formdata=request.args)
    results, searched = [], bool(request.args)
    if searched and form.validate():
        fields = {
            name: form[name].data or ""
            for name in ("text", "actor", "label", "status", "annotator", "model")
        }
        query = SentenceFilter(
            **{k: v.strip() for k, v in fields.items()}, flagged=bool(form.flagged.data)
        )
        results = search_sentences(db, query, LIMIT)
    context = {"form": form, "results": results, "searched": searched, "limit": LIMIT}
    if htmx:
        return render_template("_results.html", **context)
    return render_template("search.html", **context), 400 if form.errors else 200
