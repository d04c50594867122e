"""Pre-labelling on a Ray cluster (`annotator predict --engine ray`), an optional extra.

The database stays where it is. The driver (the process that runs `predict`) plans the
work as shards of `prelabel.CHUNK` mentions without the model's prediction, in id order: the
local engine's chunks exactly, so both engines give a model the same batches and store the
same predictions. A Ray Data pipeline maps the shards through a pool of actors, one per
worker, each holding the model's weights (loaded once) and a GPU when asked. An actor reads
its shard's sentences from a source actor pinned to the driver's machine, the one that can
open the file, and the driver writes each shard's predictions back in one transaction with
the local engine's code (`prelabel.store_chunk`). So the run is incremental and resumable as
`predict` is: stop it anywhere, run it again, and only the shards not stored are done. An
actor that dies is replaced and its shard done again (Ray Data's default for actors); a
shard is stored once whatever happens (predictions are inserted or ignored by mention,
model and version).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from functools import partial
from pathlib import Path

from sqlite_utils import Database

from annotator.models import device, load_model
from annotator.models.base import Prediction
from annotator.prelabel import CHUNK, pair_of, store_chunk
from annotator.schemes import Scheme, get_scheme
from annotator.store.predictions import unpredicted_id_ranges, unpredicted_mentions


class ClusterError(RuntimeError):
    """Ray is missing, or the cluster cannot be reached or lacks what was asked."""


def _ray():
    try:
        import ray
    except ImportError:
        raise ClusterError(
            "--engine ray needs the cluster extra: pip install -e '.[cluster]'"
        ) from None
    return ray


def connect(address: str | None, workers: int, cpus: int | None = None) -> bool:
    """Join the cluster at `address`, or start a local one with `cpus` CPUs (default: this
    machine's cores, and at least one per worker). Returns whether this call started Ray
    (and so should stop it); a process already connected stays with its cluster."""
    ray = _ray()
    if ray.is_initialized():
        return False
    from ray.data import DataContext

    options = {"include_dashboard": False, "configure_logging": False, "log_to_driver": False}
    if address:
        _check_reachable(address)
    try:
        if address:
            ray.init(address=address, **options)
        else:
            ray.init(num_cpus=cpus or max(workers, os.cpu_count() or 1), **options)
    except (ConnectionError, RuntimeError, ValueError) as error:
        where = f"reach the Ray cluster at {address}" if address else "start a local Ray cluster"
        raise ClusterError(f"cannot {where}: {error}") from None
    context = DataContext.get_current()
    context.enable_progress_bars = False
    context.print_on_execution_start = False
    return True


def _check_reachable(address: str, seconds: float = 5) -> None:
    """Fail at once on a HOST:PORT (or ray://HOST:PORT) that nothing answers: Ray itself
    retries a missing cluster for minutes. `auto` is Ray's own to resolve."""
    import socket

    host, _, port = address.removeprefix("ray://").rpartition(":")
    if not host or not port.isdigit():
        return
    try:
        socket.create_connection((host, int(port)), timeout=seconds).close()
    except OSError as error:
        reason = error.strerror or "no answer"
        raise ClusterError(f"cannot reach the Ray cluster at {address}: {reason}") from None


class _MentionSource:
    """The shards' sentences, read from the database on the driver's machine."""

    def __init__(self, db_path: str, spec: str, version: str, documents, unreviewed: bool):
        from annotator.store.database import open_database

        self.db = open_database(db_path)
        self.query = (spec, version, documents, unreviewed)

    def read(self, after: int, last: int) -> list[dict]:
        spec, version, documents, unreviewed = self.query
        rows = unpredicted_mentions(
            self.db, spec, version, CHUNK, documents, after, unreviewed=unreviewed
        )
        return [row for row in rows if row["id"] <= last]


class _ShardPredictor:
    """One worker: loads the model once, then predicts shard after shard."""

    def __init__(self, make_model: Callable, scheme: str, batch_size: int, source):
        self.model = make_model()
        self.model.warm_up()
        self.scheme, self.batch_size, self.source = get_scheme(scheme), batch_size, source

    def __call__(self, shards: dict) -> dict:
        import numpy as np
        import ray

        ids, labels, scores, maps = [], [], [], []
        for after, last in zip(shards["after"], shards["last"]):
            rows = ray.get(self.source.read.remote(int(after), int(last)))
            predictions = self.model.predict(
                [pair_of(row) for row in rows], self.scheme, self.batch_size
            )
            ids += [row["id"] for row in rows]
            labels += [p.label for p in predictions]
            scores += [p.score for p in predictions]
            maps += [json.dumps(p.scores) for p in predictions]
        return {
            "mention_id": np.array(ids, dtype=np.int64),
            "label": np.array(labels, dtype=object),
            "score": np.array(scores, dtype=np.float64),
            "scores": np.array(maps, dtype=object),
        }


def prelabel_on_ray(
    db: Database,
    db_path: str | Path,
    spec: str,
    scheme: Scheme,
    models_dir: str | Path,
    *,
    workers: int = 1,
    gpus_per_worker: float = 0,
    batch_size: int = 64,
    on_progress: Callable[[int], None] | None = None,
    documents: list[str] | None = None,
    unreviewed: bool = False,
    make_model: Callable | None = None,
    device_name: str = "auto",
) -> int:
    """`prelabel` on the Ray cluster this process is connected to (see `connect`): predict
    and store a label for each mention without one from the model; return the count.

    `make_model`: builds the model inside each actor (default: `load_model(spec)`); it must
    be picklable, as it travels to the workers. `device_name`: each actor's choice of device
    (`models.device`): `auto` takes the GPU Ray gave it, if any.
    """
    ray = _ray()
    model = load_model(spec, models_dir)  # cheap: no weights are loaded here
    version = model.template_version(scheme)
    shards = unpredicted_id_ranges(db, model.spec, version, CHUNK, documents, unreviewed)
    if not shards:
        return 0
    make_model = make_model or partial(load_model, spec, str(Path(models_dir).resolve()))
    driver_node = ray.get_runtime_context().get_node_id()
    from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

    source = (
        ray.remote(_MentionSource)
        .options(
            num_cpus=0,
            scheduling_strategy=NodeAffinitySchedulingStrategy(driver_node, soft=False),
        )
        .remote(str(Path(db_path).resolve()), model.spec, version, documents, unreviewed)
    )
    cpus = ray.cluster_resources().get("CPU", 1)
    plan = ray.data.from_items(
        [{"after": after, "last": last} for after, last in shards],
        override_num_blocks=len(shards),
    )
    predicted = plan.map_batches(
        _ShardPredictor,
        fn_constructor_args=(make_model, scheme.name, batch_size, source),
        batch_size=1,
        # Ray Data restarts an actor that dies and retries its shard (without limit)
        compute=ray.data.ActorPoolStrategy(size=workers),
        num_cpus=max(1, int(cpus // workers)) if not gpus_per_worker else 1,
        num_gpus=gpus_per_worker,
        runtime_env={"env_vars": {device.ENVIRONMENT: device_name}},
    )
    done = 0
    try:
        for batch in predicted.iter_batches(batch_size=None, batch_format="numpy"):
            predictions = [
                Prediction(str(label), float(score), json.loads(scores))
                for label, score, scores in zip(batch["label"], batch["score"], batch["scores"])
            ]
            store_chunk(db, model.spec, version, [int(i) for i in batch["mention_id"]], predictions)
            done += len(predictions)
            if on_progress:
                on_progress(len(predictions))
    finally:
        ray.kill(source)
    return done
