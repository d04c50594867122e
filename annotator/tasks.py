"""What each kind of background job does: import a file, then pre-label; or re-run a model.

Runners take an open database and the job's record and report progress through the jobs table;
the worker decides when they run. Both kinds are safe to run again after an interruption: an
import shows nothing until it publishes the whole file, discards what an interrupted run left
unpublished and skips what is already stored, and pre-labelling predicts only mentions the
model has not labelled yet.
"""

from __future__ import annotations

from pathlib import Path

from sqlite_utils import Database

from annotator.corpus_stats import save_snapshot
from annotator.ingest.load import import_records
from annotator.ingest.readers import read_records
from annotator.models import load_model
from annotator.models.registry import models_dir_beside
from annotator.prelabel import pending_count, prelabel, prelabel_summary
from annotator.store.database import project_scheme
from annotator.store.jobs import advance_job, save_job_params, update_job

IMPORT, PRELABEL, STATS = "import", "prelabel", "stats"


def import_params(path: str, source: str, annotator: str | None, model: str, batch_size: int):
    """The parameters of an import job: the stored upload, its name as the user knows it, and
    the model that pre-labels what it adds."""
    return {
        "path": path,
        "source": source,
        "annotator": annotator,
        "model": model,
        "batch_size": batch_size,
    }


def prelabel_params(model: str, batch_size: int) -> dict:
    return {"model": model, "batch_size": batch_size}


def run_import(db: Database, db_path: str, job: dict) -> str:
    """Import the uploaded file, delete it, then pre-label its documents; return a summary."""
    params, job_id = job["params"], job["id"]
    path = Path(params["path"])
    if path.exists():
        try:
            labels = project_scheme(db).label_names
            records = read_records(path, "auto", labels, params["source"])
            update_job(
                db,
                job_id,
                total=len(records),
                done=0,
                unit="record",
                message="finding sentences and actors",
            )
            summary = import_records(
                db,
                records,
                params["source"],
                params["annotator"],
                lambda n: advance_job(db, job_id, n),
            )
        except Exception:  # failed or cancelled: nothing stored, nothing to resume
            path.unlink()
            raise
        # Saved while the upload still exists: a run resumed after the upload is gone
        # pre-labels these documents, and one resumed before reads them again from it.
        params = {**params, "documents": list(summary.document_ids)}
        save_job_params(db, job_id, params)
        path.unlink()
        update_job(db, job_id, message=f"imported {summary}")
    else:
        summary = "imported earlier"  # the import committed before an interruption
    labelled = run_prelabel(db, db_path, {**job, "params": params})
    return f"imported {summary}; {labelled}"


def run_prelabel(db: Database, db_path: str, job: dict) -> str:
    """Pre-label every mention the job's model has not labelled yet (of the job's documents,
    for an import); return a summary."""
    params, job_id = job["params"], job["id"]
    documents = params.get("documents")  # None: the whole project
    update_job(db, job_id, message=f"loading {params['model']}")
    model = load_model(params["model"], models_dir_beside(db_path))
    scheme = project_scheme(db)
    total = pending_count(db, model, scheme, documents)
    if not total:  # every mention has this model's pre-label already
        return prelabel_summary(0, model.spec)
    update_job(
        db,
        job_id,
        total=total,
        done=0,
        unit="mention",
        message=f"pre-labelling with {model.spec}",
    )
    count = prelabel(
        db, model, scheme, params["batch_size"], lambda n: advance_job(db, job_id, n), documents
    )
    return prelabel_summary(count, model.spec)


def run_stats(db: Database, db_path: str, job: dict) -> str:
    """Compute the Stats page's figures for a large corpus and keep them as a snapshot."""
    update_job(db, job["id"], message="computing the corpus figures")
    save_snapshot(db)
    return "corpus figures up to date"


RUNNERS = {IMPORT: run_import, PRELABEL: run_prelabel, STATS: run_stats}
