"""`annotator jobs`: list, submit and cancel background jobs from the command line."""

from __future__ import annotations

from pathlib import Path

import click

from annotator.store.jobs import cancel_job, recent_jobs

from .options import db_option, model_option, open_or_fail


@click.group()
def jobs():
    """Background jobs: browser imports and model runs."""


@jobs.command("list")
@db_option
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1))
def list_jobs(db_path: Path, limit: int):
    """Show the latest jobs, newest first.

    Example: annotator jobs list
    """
    db = open_or_fail(db_path)
    jobs_found = recent_jobs(db, limit)
    if not jobs_found:
        click.echo(
            "no jobs yet: imports, model runs and learning started in the app or with "
            "--background show here"
        )
    for job in jobs_found:
        count = f"{job['done']}/{job['total']}" if job["total"] else "-"
        click.echo(
            f"{job['id']:>5}  {job['kind']:<9} {job['status']:<10} {count:>11}  "
            f"{job['message'] or ''}"
        )


@jobs.command("rerun")
@db_option
@model_option
@click.option("--batch-size", default=64, show_default=True, type=click.IntRange(1))
def rerun(db_path: Path, model_spec: str, batch_size: int):
    """Queue a model run over every mention the model has not labelled yet.

    A running `annotator worker` (or `annotator serve`) picks it up.

    Example: annotator jobs rerun --model trained:newsroom
    """
    from annotator.tasks import PRELABEL, prelabel_params
    from annotator.worker import JobQueue

    open_or_fail(db_path).close()
    job_id = JobQueue(db_path).submit(PRELABEL, prelabel_params(model_spec, batch_size))
    click.echo(f"queued job {job_id}: pre-label with {model_spec}")


@jobs.command("cancel")
@db_option
@click.argument("job_id", type=int)
def cancel(db_path: Path, job_id: int):
    """Cancel a queued or running job (a running one stops after its current step).

    Example: annotator jobs cancel 3
    """
    db = open_or_fail(db_path)
    if db.table("jobs").count_where("id = ?", [job_id]) == 0:
        raise click.ClickException(f"no job {job_id}")
    if not cancel_job(db, job_id):
        raise click.ClickException(f"job {job_id} has already ended")
    click.echo(f"job {job_id}: cancelling")
