"""`annotator predict`: pre-label the mentions a model has not labelled yet, in this process
or on a Ray cluster."""

from __future__ import annotations

import contextlib
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path

import click

from annotator.models import device, load_model
from annotator.models.device import DEVICES
from annotator.models.registry import models_dir_beside, starter_ready
from annotator.models.starter import STARTER_SPEC
from annotator.prelabel import pending_count, prelabel, prelabel_summary
from annotator.store.database import project_scheme
from annotator.wording import counted

from .options import db_option, model_to_run, open_or_fail, prelabel_model_option


@click.command()
@db_option
@prelabel_model_option
@click.pass_context
@click.option(
    "--batch-size",
    default=64,
    show_default=True,
    type=click.IntRange(1, 4096),
    help="Pairs per forward pass.",
)
@click.option(
    "--engine",
    type=click.Choice(["local", "ray"]),
    default="local",
    show_default=True,
    help="Where the model runs: this process, or a Ray cluster (the cluster extra).",
)
@click.option(
    "--address",
    default=None,
    envvar="ANNOTATOR_RAY_ADDRESS",
    help="With --engine ray: the cluster to join (e.g. ray://head:10001 or auto); "
    "a local cluster on this machine's cores when not given.",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 1024),
    default=1,
    show_default=True,
    help="With --engine ray: model-holding actors, each loading the weights once.",
)
@click.option(
    "--gpus-per-worker",
    type=click.FloatRange(0, 64),
    default=0,
    show_default=True,
    help="With --engine ray: GPUs for each actor (0: CPU only).",
)
@click.option(
    "--device",
    "device_name",
    type=click.Choice(DEVICES),
    default="auto",
    show_default=True,
    envvar="ANNOTATOR_DEVICE",
    help="Where the model runs: a CUDA GPU when torch sees one (auto), or as told; on a "
    "GPU in bf16/fp16 with larger batches. On Ray, each worker decides for itself.",
)
def predict(
    ctx: click.Context,
    db_path: Path,
    model_spec: str,
    batch_size: int,
    engine: str,
    address: str | None,
    workers: int,
    gpus_per_worker: float,
    device_name: str,
):
    """Pre-label every mention that has no prediction from the model yet.

    Stopped and run again, it does only the rest, on either engine. Without --model it runs
    the project's active model (whose pre-labels the review cards show), or the offline
    default for a project that has none yet.

    Example: annotator predict --model nli:MoritzLaurer/deberta-v3-base-zeroshot-v2.0
    """
    if engine == "local" or not address:  # a cluster's workers decide on their own GPUs
        try:
            device.choose(device_name)
        except ValueError as error:
            raise click.BadParameter(str(error), param_hint="--device") from None
    db = open_or_fail(db_path)
    model_spec = model_to_run(ctx, db, model_spec)
    models_dir = models_dir_beside(db_path)
    if model_spec.strip() == STARTER_SPEC:
        _build_starter_once(models_dir)
    model, scheme = load_model(model_spec, models_dir), project_scheme(db)
    total = pending_count(db, model, scheme)
    if not total:
        click.echo(prelabel_summary(0, model.spec))
        return
    if engine == "local":
        model.warm_up()
        started = time.perf_counter()
        with click.progressbar(length=total, label=f"{model.spec}", file=sys.stderr) as bar:
            done = prelabel(db, model, scheme, batch_size, bar.update)
    else:
        from annotator import cluster

        try:
            own_cluster = cluster.connect(address, workers)
        except cluster.ClusterError as error:
            raise click.ClickException(str(error)) from None
        started = time.perf_counter()
        try:
            with click.progressbar(length=total, label=model.spec, file=sys.stderr) as bar:
                with _stop_between_shards(bar.update) as progress:
                    done = cluster.prelabel_on_ray(
                        db,
                        db_path,
                        model_spec,
                        scheme,
                        models_dir,
                        workers=workers,
                        gpus_per_worker=gpus_per_worker,
                        batch_size=batch_size,
                        on_progress=progress,
                        device_name=device_name,
                    )
        except cluster.ClusterError as error:
            raise click.ClickException(str(error)) from None
        finally:
            if own_cluster:  # the local Ray this command started goes with it
                import ray

                ray.shutdown()
    elapsed = time.perf_counter() - started
    after = f"after loading the model, on {device.current()}"
    if engine == "ray":
        after = f"on Ray, {counted(workers, 'worker')}"
    click.echo(
        f"{prelabel_summary(done, model.spec)} in {elapsed:.1f} s "
        f"({done / elapsed:.0f} pairs/s {after})"
    )


@contextlib.contextmanager
def _stop_between_shards(update: Callable[[int], None]):
    """A progress callback that ends the run (Ctrl+C, SIGTERM) once the shard in hand is
    stored: Ray's own handlers would otherwise let the run go on to the end. Run again, it
    does the rest."""
    asked: list[int] = []

    def ask(signum, _frame) -> None:
        if asked:  # a second Ctrl+C: at once
            raise KeyboardInterrupt
        asked.append(signum)
        click.echo("\nannotator: stopping after the shard in hand (Ctrl+C again: now)", err=True)

    def progress(count: int) -> None:
        update(count)
        if asked:
            raise click.Abort

    previous = {sig: signal.signal(sig, ask) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield progress
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _build_starter_once(models_dir: Path) -> None:
    """Build the starter model in `models_dir` unless it is there, with a progress bar."""
    from annotator.starter import build_starter, build_work, starter_examples

    if starter_ready(models_dir):
        return
    total = build_work(starter_examples())
    click.echo("annotator: building the starter model once (about ten minutes on two cores)")
    started = time.perf_counter()
    with click.progressbar(length=total, label="starter", file=sys.stderr) as bar:
        meta = build_starter(models_dir, on_progress=bar.update)
    click.echo(
        f"starter: macro-F1 {meta['cv_macro_f1']:.3f} ± {meta['cv_spread']:.3f} "
        f"on {meta['cv_scored']:,} held-out {meta['data']} labels (the zero-shot default: "
        f"{meta['default_macro_f1']:.3f}), built in {time.perf_counter() - started:.0f} s"
    )
