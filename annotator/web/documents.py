"""The corpus pages: the document list, one document's sentences, and the export download."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, render_template, stream_with_context

from annotator.store import corpus
from annotator.store.database import connect
from annotator.store.document_progress import list_documents
from annotator.store.exports import iter_export_lines
from annotator.store.jobs import recent_jobs
from annotator.store.queue import review_progress
from annotator.store.stats import actor_stances

from .auth import current_annotator
from .db import get_db

bp = Blueprint("documents", __name__)


@bp.get("/documents")
def index():
    db, annotator = get_db(), current_annotator()
    return render_template(
        "index.html",
        documents=list_documents(db, annotator),
        progress=review_progress(db, annotator) if annotator else None,
        jobs=recent_jobs(db),
    )


@bp.get("/documents/<path:document_id>")
def document(document_id: str):
    db = get_db()
    doc = corpus.get_document(db, document_id)
    if doc is None:
        abort(404, f"No document {document_id!r} in this project.")
    return render_template(
        "document.html",
        document=doc,
        sentences=corpus.document_sentences(db, document_id),
        actors=actor_stances(db, document_id),
    )


@bp.get("/export.jsonl")
def export():
    """Stream the gold JSONL on its own connection, which outlives the request context."""
    path = current_app.config["DB"]

    def lines():
        db = connect(path)
        try:
            yield from iter_export_lines(db)
        finally:
            db.close()

    return Response(
        stream_with_context(lines()),
        mimetype="application/x-ndjson",
        headers={"Content-Disposition": "attachment; filename=annotator-export.jsonl"},
    )
