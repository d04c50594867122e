"""What each kind of background job does: import a file, then pre-label; re-run a model;
compute the corpus figures; or run the learning loop.

Runners take an open database and the job's record and report progress through the jobs table;
the worker decides when they run. Every kind is safe to run again after an interruption: an
import shows nothing until it publishes the whole file, discards what an interrupted run left
unpublished and skips what is already stored; pre-labelling predicts only mentions the model
has not labelled yet; and a learning run that had decided goes straight on to its re-labelling.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlite_utils import Database

from annotator.corpus_stats import save_snapshot
from annotator.ingest.formats import read_records
from annotator.ingest.load import import_records
from annotator.learning import describe, learn, relabel_unreviewed
from annotator.learning_plan import LearningError, plan_learning
from annotator.models import load_model
from annotator.models.registry import models_dir_beside
from annotator.prelabel import pending_count, prelabel, prelabel_summary
from annotator.store.cluster_settings import ray_address, ray_workers
from annotator.store.database import project_scheme
from annotator.store.jobs import JobRefused, advance_job, save_job_params, update_job
from annotator.store.prelabels import prelabelling_model
from annotator.store.priority import refresh_stale_margins
from annotator.wording import counted

IMPORT, PRELABEL, STATS, LEARN, MARGINS = "import", "prelabel", "stats", "learn", "margins"
STARTER = "starter"


def import_params(
    path: str,
    source: str,
    annotator: str | None,
    model: str,
    batch_size: int,
    fmt: str = "auto",
):
    """The parameters of an import job: the stored upload, its name as the user knows it, its
    format (`ingest.formats.FORMATS`) and the model that pre-labels what it adds."""
    return {
        "path": path,
        "source": source,
        "format": fmt,
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
            fmt = params.get("format", "auto")  # jobs queued before formats were chosen
            records = read_records(path, fmt, labels, params["source"])
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
    # The active model when this runs (a starter promoted while the import waited, say).
    model = prelabelling_model(db, params["model"])
    labelled = run_prelabel(db, db_path, {**job, "params": {**params, "model": model}})
    return f"imported {summary}; {labelled}"


def _count_from_zero(db: Database, job_id: int, total: int, unit: str, message: str) -> None:
    """Start a job's (next) progress bar: `total` units of work, none done yet."""
    update_job(db, job_id, total=total, done=0, unit=unit, message=message)


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
    address = ray_address(db) or os.environ.get("ANNOTATOR_RAY_ADDRESS")

    def progress(count: int) -> None:
        advance_job(db, job_id, count)

    if address and documents is None:  # a re-run of the whole project: on the cluster
        from annotator import cluster

        workers = ray_workers(db)
        _count_from_zero(
            db, job_id, total, "mention", f"pre-labelling with {model.spec} on Ray ({address})"
        )
        try:
            cluster.connect(address, workers)
        except cluster.ClusterError as error:
            where = "Settings, Cluster" if ray_address(db) else "ANNOTATOR_RAY_ADDRESS"
            raise cluster.ClusterError(f"{error} (the address comes from {where})") from None
        count = cluster.prelabel_on_ray(
            db,
            db_path,
            params["model"],
            scheme,
            models_dir_beside(db_path),
            workers=workers,
            batch_size=params["batch_size"],
            on_progress=progress,
        )
        return f"{prelabel_summary(count, model.spec)} on Ray"
    _count_from_zero(db, job_id, total, "mention", f"pre-labelling with {model.spec}")
    count = prelabel(db, model, scheme, params["batch_size"], progress, documents)
    return prelabel_summary(count, model.spec)


def run_stats(db: Database, db_path: str, job: dict) -> str:
    """Compute the Stats page's figures for a large corpus and keep them as a snapshot."""
    update_job(db, job["id"], message="computing the corpus figures")
    save_snapshot(db)
    return "corpus figures up to date"


def run_margins(db: Database, db_path: str, job: dict) -> str:
    """Read every sentence's margin again after a change of the active model (Settings), in
    short transactions (`priority.refresh_stale_margins`)."""
    update_job(db, job["id"], message="re-ordering the queue for the new active model")
    count = refresh_stale_margins(db)
    return f"queue order follows the active model ({counted(count, 'sentence')} re-read)"


def learn_params(method: str = "auto", batch_size: int = 64) -> dict:
    return {"method": method, "batch_size": batch_size}


def run_learn(db: Database, db_path: str, job: dict) -> str:
    """Train on the gold, cross-validate, decide; a promoted model then re-labels the
    unreviewed mentions and becomes active. Resumed after an interruption, a run that had
    decided goes straight to the re-labelling."""
    params, job_id = job["params"], job["id"]
    models_dir = models_dir_beside(db_path)
    if "spec" not in params:
        try:  # the gold may have changed since the job was queued
            plan = plan_learning(db, models_dir, params["method"])
            update_job(db, job_id, total=plan.work, done=0, unit="training step")
            meta = learn(
                db,
                models_dir,
                on_progress=lambda n: advance_job(db, job_id, n),
                on_stage=lambda message: update_job(db, job_id, message=message),
                plan=plan,
            )
        except LearningError as error:
            raise JobRefused(str(error)) from None
        params = {**params, "spec": meta["spec"], "promoted": meta["promoted"]}
        params["summary"] = describe(meta)
        save_job_params(db, job_id, params)
    if not params["promoted"]:
        return params["summary"]
    spec = params["spec"]
    model = load_model(spec, models_dir)
    total = pending_count(db, model, project_scheme(db), unreviewed=True)
    message = f"re-labelling the mentions still to review with {spec}"
    _count_from_zero(db, job_id, total, "mention", message)
    count = relabel_unreviewed(
        db, models_dir, spec, params["batch_size"], lambda n: advance_job(db, job_id, n)
    )
    return (
        f"{params['summary']}; re-labelled {counted(count, 'unreviewed mention')}; "
        f"{spec} is now the active model"
    )


def run_starter(db: Database, db_path: str, job: dict) -> str:
    """Build the starter model when the models folder has none, decide by the learning loop's
    rule whether the project uses it, and re-label the mentions still to review with it if so.
    Resumed after an interruption, a run that had decided goes straight to the re-labelling."""
    from annotator.models.registry import starter_ready
    from annotator.models.starter import STARTER_SPEC
    from annotator.starter import adopt_starter, build_starter, build_work, starter_examples

    params, job_id = job["params"], job["id"]
    models_dir = models_dir_beside(db_path)
    if "promoted" not in params:
        if not starter_ready(models_dir):
            total = build_work(starter_examples())
            update_job(db, job_id, total=total, done=0, unit="step")
            build_starter(
                models_dir,
                on_progress=lambda n: advance_job(db, job_id, n),
                on_stage=lambda message: update_job(db, job_id, message=message),
            )
        update_job(db, job_id, message="comparing the starter model with the active one")
        promoted, decision = adopt_starter(db, models_dir)
        params = {**params, "promoted": promoted, "summary": f"starter model {decision}"}
        save_job_params(db, job_id, params)
    if not params["promoted"]:
        return params["summary"]
    model = load_model(STARTER_SPEC, models_dir)
    total = pending_count(db, model, project_scheme(db), unreviewed=True)
    message = f"re-labelling the mentions still to review with {STARTER_SPEC}"
    _count_from_zero(db, job_id, total, "mention", message)
    count = relabel_unreviewed(
        db, models_dir, STARTER_SPEC, 64, lambda n: advance_job(db, job_id, n)
    )
    return (
        f"{params['summary']}; re-labelled {counted(count, 'unreviewed mention')}; "
        f"{STARTER_SPEC} is now the active model"
    )


RUNNERS = {
    IMPORT: run_import,
    PRELABEL: run_prelabel,
    STATS: run_stats,
    LEARN: run_learn,
    MARGINS: run_margins,
    STARTER: run_starter,
}
