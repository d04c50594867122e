"""`annotator learn`: one turn of the learning loop from the command line."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .options import db_option, method_option, open_or_fail


@click.command()
@db_option
@method_option
@click.option("--batch-size", default=64, show_default=True, type=click.IntRange(1, 4096))
@click.option("--seed", default=0, show_default=True, help="Random seed (folds and training).")
@click.option(
    "--background", is_flag=True, help="Queue it for the worker instead of running it here."
)
def learn(db_path: Path, method: str, batch_size: int, seed: int, background: bool):
    """Train on the project's gold labels, cross-validate, and promote the new model when it
    beats the active one by the project's margin (Settings); a promoted model re-labels the
    unreviewed mentions and becomes active. Reviewed decisions never change.

    Example: annotator learn
    """
    from annotator.learning import describe, relabel_unreviewed
    from annotator.learning import learn as learn_once
    from annotator.learning_plan import LearningError, plan_learning
    from annotator.models import load_model
    from annotator.models.registry import models_dir_beside
    from annotator.prelabel import pending_count
    from annotator.store.database import project_scheme
    from annotator.tasks import LEARN, learn_params
    from annotator.wording import counted

    db = open_or_fail(db_path)
    models_dir = models_dir_beside(db_path)
    try:
        plan = plan_learning(db, models_dir, method)
        if background:
            from annotator.worker import JobQueue

            queue = JobQueue(db_path)
            job_id, new = queue.submit_once(LEARN, learn_params(method, batch_size), "queued")
            if new:
                click.echo(f"queued job {job_id}: learn from the gold labels")
            else:
                click.echo(f"a learning run is already under way: job {job_id}")
            return
        with click.progressbar(length=plan.work, label="learning", file=sys.stderr) as bar:
            meta = learn_once(db, models_dir, seed=seed, on_progress=bar.update, plan=plan)
    except LearningError as error:
        raise click.ClickException(str(error)) from None
    click.echo(describe(meta))
    if not meta["promoted"]:
        return
    spec = meta["spec"]
    total = pending_count(db, load_model(spec, models_dir), project_scheme(db), unreviewed=True)
    with click.progressbar(length=total, label="re-labelling", file=sys.stderr) as bar:
        done = relabel_unreviewed(db, models_dir, spec, batch_size, bar.update)
    click.echo(f"re-labelled {counted(done, 'unreviewed mention')}; {spec} is now the active model")
