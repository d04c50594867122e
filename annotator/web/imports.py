"""Importing from the browser: the upload is checked at once, then imported by a job."""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path, PurePath

from flask import Blueprint, current_app, redirect, render_template, url_for
from flask_htmx import make_response
from werkzeug.utils import secure_filename

from annotator.ingest import InputError
from annotator.ingest.formats import read_records
from annotator.tasks import IMPORT, import_params
from annotator.worker import uploads_dir

from .auth import current_annotator
from .db import get_scheme
from .forms import ImportForm
from .htmx import htmx
from .job_queue import get_queue

bp = Blueprint("imports", __name__)
MAX_STORED_NAME = 120  # characters of an upload's name kept in the stored file's name


def _save(form: ImportForm) -> tuple[Path, str]:
    """Keep the pasted text or uploaded file for the import job; return its path and name."""
    folder = uploads_dir(current_app.config["DB"])
    if form.text.data and form.text.data.strip():
        title = (form.title.data or "").strip() or "Pasted text"
        path = folder / f"{uuid.uuid4().hex}-pasted.jsonl"
        path.write_text(json.dumps({"title": title, "text": form.text.data}) + "\n", "utf-8")
        return path, "pasted text"
    upload = form.file.data
    # The name as the user knows it, without any folder a browser sends (either separator).
    name = upload.filename.replace("\\", "/").rpartition("/")[2] or "upload.txt"
    # secure_filename drops letters outside ASCII, and with them a name's dot ("данные.jsonl"
    # becomes "jsonl"): the stem and the extension are made safe apart, so the extension that
    # tells the format survives.
    stem, suffix = PurePath(name).stem, PurePath(name).suffix
    suffix = suffix.lower() if re.fullmatch(r"\.[A-Za-z0-9]{1,10}", suffix) else ".txt"
    stored = (secure_filename(stem) or "upload") + suffix
    if len(stored) > MAX_STORED_NAME:  # the file system's limit is 255 bytes; keep the ending
        stored = stored[: MAX_STORED_NAME // 2] + stored[-MAX_STORED_NAME // 2 :]
    path = folder / f"{uuid.uuid4().hex}-{stored}"
    upload.save(path)
    return path, name


def _check(path: Path, source: str, fmt: str) -> None:
    """Read the whole file now, so bad input is reported on the form, not later in a job.

    A file that fails in any way is deleted: the job never sees it.
    """
    try:
        read_records(path, fmt, get_scheme().label_names, source)
    except Exception:
        path.unlink()
        raise


@bp.route("/imports/new", methods=["GET", "POST"])
def new():
    form = ImportForm()
    error = None
    if form.validate_on_submit():
        path, source = _save(form)
        fmt = "jsonl" if source == "pasted text" else form.format.data  # kept as JSON lines
        try:
            _check(path, source, fmt)
        except InputError as failure:
            error = str(failure)
        else:
            config = current_app.config
            params = import_params(
                str(path), source, current_annotator(), config["MODEL"], config["BATCH_SIZE"], fmt
            )
            job_id = get_queue().submit(IMPORT, params)
            target = url_for("job_pages.show", job_id=job_id)
            if htmx:
                return make_response("", 200, redirect=target)
            return redirect(target, 303)
    status = 400 if (form.errors or error) else 200
    template = "_import_form.html" if htmx else "import.html"
    # htmx does not swap 4xx replies: the partial with its errors comes back as 200.
    return render_template(template, form=form, error=error), 200 if htmx else status


@bp.errorhandler(413)
def too_large(error):
    """An upload over MAX_CONTENT_LENGTH gets the import form back with the limit named
    (elsewhere, `errors.refused` says the same on its own page)."""
    limit = current_app.config["MAX_CONTENT_LENGTH"] / (1024 * 1024)
    message = f"The upload is larger than the {limit:g} MiB limit."
    form = ImportForm(formdata=None)  # the oversized body must not be read again
    if htmx:
        return render_template("_import_form.html", form=form, error=message), 200
    return render_template("import.html", form=form, error=message), 413
