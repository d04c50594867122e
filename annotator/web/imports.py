"""Importing from the browser (paste or upload) and following the pre-labelling job."""

from __future__ import annotations

import tempfile
from pathlib import Path

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_htmx import make_response
from werkzeug.utils import secure_filename

from annotator.background import start_prelabel_job
from annotator.ingest import InputError, import_file
from annotator.ingest.load import import_records
from annotator.ingest.readers import Record
from annotator.store.jobs import get_job

from .db import get_db, get_scheme
from .forms import ImportForm
from .htmx import htmx
from .identity import current_annotator

bp = Blueprint("imports", __name__)


def _import(form: ImportForm):
    """Store the pasted text or the uploaded file; raise InputError on bad input."""
    db, labels = get_db(), get_scheme().label_names
    if form.text.data and form.text.data.strip():
        title = (form.title.data or "").strip() or "Pasted text"
        record = Record(text=form.text.data, line=1, title=title)
        return import_records(db, [record], "pasted text", current_annotator())
    upload = form.file.data
    name = secure_filename(upload.filename) or "upload.txt"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        upload.save(path)
        try:
            return import_file(db, path, "auto", labels, current_annotator())
        except InputError as error:
            # Name the file as the user knows it, not the temporary copy.
            raise InputError(upload.filename, error.message, error.line) from None


@bp.route("/imports/new", methods=["GET", "POST"])
def new():
    form = ImportForm()
    error = None
    if form.validate_on_submit():
        try:
            summary = _import(form)
        except InputError as failure:
            error = str(failure)
        else:
            job_id = start_prelabel_job(
                current_app.config["DB"],
                current_app.config["MODEL"],
                current_app.config["BATCH_SIZE"],
            )
            target = url_for("imports.job", job_id=job_id, summary=str(summary))
            if htmx:
                return make_response("", 200, redirect=target)
            return redirect(target, 303)
    status = 400 if (form.errors or error) else 200
    template = "_import_form.html" if htmx else "import.html"
    # htmx does not swap 4xx replies: the partial with its errors comes back as 200.
    return render_template(template, form=form, error=error), 200 if htmx else status


@bp.get("/jobs/<int:job_id>")
def job(job_id: int):
    job = get_job(get_db(), job_id)
    if job is None:
        abort(404)
    if htmx:
        return render_template("_job.html", job=job)
    return render_template("job.html", job=job, summary=request.args.get("summary"))


@bp.app_errorhandler(413)
def too_large(error):
    """An upload over MAX_CONTENT_LENGTH gets the import form back with the limit named."""
    limit = current_app.config["MAX_CONTENT_LENGTH"] / (1024 * 1024)
    message = f"The upload is larger than the {limit:g} MiB limit."
    form = ImportForm(formdata=None)  # the oversized body must not be read again
    if htmx:
        return render_template("_import_form.html", form=form, error=message), 200
    return render_template("import.html", form=form, error=message), 413
