"""`annotator predict --engine ray` on a local Ray cluster of two CPUs that the tests start:
the same predictions as the local engine, resumable, every backend, a dying worker replaced."""

from __future__ import annotations

import itertools
import json
import os

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.ingest import import_file
from annotator.models import load_model
from annotator.models.registry import models_dir_beside
from annotator.prelabel import CHUNK, pair_of, prelabel
from annotator.store import jobs
from annotator.store.cluster_settings import set_ray_cluster
from annotator.store.database import init_database, open_database, project_scheme
from annotator.tasks import PRELABEL, prelabel_params
from annotator.worker import run_job

from .conftest import NEWSMTSC, SEED, write

try:
    import ray
except ImportError:
    if os.environ.get("CI"):
        raise RuntimeError(".ci/run must install the cluster extra: '.[test,cluster]'") from None
    pytest.skip("the cluster extra is not installed", allow_module_level=True)

from annotator import cluster  # noqa: E402

ROWS = "select mention_id, model, template_version, label, score, scores from predictions"


@pytest.fixture(scope="module")
def ray_cluster():
    started = cluster.connect(None, workers=2, cpus=2)
    yield
    if started:
        ray.shutdown()


def project(path, scheme="sentiment", newsmtsc_lines=300):
    """The seed article and, where the data is at hand, the first NewsMTSC sentences."""
    db = init_database(path, scheme)
    labels = project_scheme(db).label_names
    import_file(db, SEED, "auto", labels)
    devtest = NEWSMTSC / "devtest_mt.jsonl"
    if devtest.exists() and newsmtsc_lines:
        with devtest.open(encoding="utf-8") as lines:
            head = "".join(itertools.islice(lines, newsmtsc_lines))
        import_file(db, write(path.parent / "head.jsonl", head), "newsmtsc", labels)
    return db


def stored(db) -> list[dict]:
    return list(db.query(f"{ROWS} order by mention_id"))


class Stop(Exception):
    """Stands for a run killed after it stored a chunk."""


def stop_after_one(_count):
    raise Stop


def light_model(dies_once_at: str | None = None):
    """A factory of a model without weights (the scheme's first label for every pair), whose
    worker process dies on its first shard if `dies_once_at` names a file not there yet.
    Defined in a function, so that it travels to the workers by value."""

    def make_model():
        import os

        from annotator.models.base import Prediction

        class Light:
            def warm_up(self):
                pass

            def predict(self, pairs, scheme, batch_size=64):
                if dies_once_at and not os.path.exists(dies_once_at):
                    open(dies_once_at, "w").close()
                    os._exit(1)  # the worker process dies in the middle of its shard
                first = scheme.label_names[0]
                scores = {name: 0.9 if name == first else 0.05 for name in scheme.label_names}
                return [Prediction(first, 0.9, scores) for _ in pairs]

        return Light()

    return make_model


def test_ray_stores_what_the_local_engine_stores_and_resumes_its_work(ray_cluster, tmp_path):
    local = project(tmp_path / "local" / "p.db")
    total = prelabel(local, load_model("embedding"), project_scheme(local))
    path = tmp_path / "ray" / "p.db"
    db = project(path)
    scheme, models_dir = project_scheme(db), models_dir_beside(path)
    assert total == db.table("mentions").count > CHUNK or not NEWSMTSC.exists()
    with pytest.raises(Stop):  # the local engine stopped after one chunk
        prelabel(db, load_model("embedding"), scheme, on_progress=stop_after_one)
    rest = cluster.prelabel_on_ray(db, path, "embedding", scheme, models_dir, workers=2)
    assert rest == total - CHUNK
    assert stored(db) == stored(local)  # the same labels and scores, to the last bit
    assert cluster.prelabel_on_ray(db, path, "embedding", scheme, models_dir) == 0


def test_a_ray_run_stopped_is_finished_by_the_next_one_storing_nothing_twice(ray_cluster, tmp_path):
    path = tmp_path / "p.db"
    db = project(path)
    scheme, models_dir = project_scheme(db), models_dir_beside(path)
    run = {"workers": 2, "make_model": light_model()}
    with pytest.raises(Stop):
        cluster.prelabel_on_ray(
            db, path, "embedding", scheme, models_dir, on_progress=stop_after_one, **run
        )
    first = len(stored(db))
    assert 0 < first < db.table("mentions").count or not NEWSMTSC.exists()
    rest = cluster.prelabel_on_ray(db, path, "embedding", scheme, models_dir, **run)
    assert first + rest == db.table("mentions").count == len(stored(db))


def test_a_worker_that_dies_is_replaced_and_its_shard_done_again(ray_cluster, tmp_path):
    path = tmp_path / "p.db"
    db = project(path, newsmtsc_lines=200)
    died = tmp_path / "died-once"
    count = cluster.prelabel_on_ray(
        db,
        path,
        "embedding",
        project_scheme(db),
        models_dir_beside(path),
        workers=1,
        make_model=light_model(dies_once_at=str(died)),
    )
    total = db.table("mentions").count
    assert died.exists() and count == total == len(stored(db))
    assert db.execute("select count(distinct mention_id) from predictions").fetchone()[0] == total


def expected_labels(db, model) -> list[str]:
    rows = db.query(
        """select s.text as sentence, m.start, m."end", a.name as actor from mentions m
        join sentences s on s.id = m.sentence_id join actors a on a.id = m.actor_id
        order by m.id"""
    )
    return [p.label for p in model.predict([pair_of(r) for r in rows], project_scheme(db))]


def labels_of(db, spec) -> list[str]:
    rows = db.query("select label from predictions where model = ? order by mention_id", [spec])
    return [row["label"] for row in rows]


def test_a_model_re_run_job_goes_to_the_configured_cluster(ray_cluster, tmp_path, nli_model_dir):
    """Settings name a cluster: the Jobs page's re-run (here of a small local NLI model) runs
    on it, with the job's progress, and stores what the model predicts."""
    path = tmp_path / "p.db"
    db = project(path, scheme="stance", newsmtsc_lines=0)
    set_ray_cluster(db, "auto", 1)  # this process's cluster is already up: it is the one used
    spec = f"nli:{nli_model_dir}"
    job_id = jobs.create_job(db, PRELABEL, prelabel_params(spec, 64))
    run_job(str(path), job_id)
    job = jobs.get_job(db, job_id)
    assert job["status"] == "done" and job["message"].endswith("on Ray"), job
    assert job["done"] == job["total"] == db.table("mentions").count
    assert labels_of(db, spec) == expected_labels(db, load_model(spec))


def test_the_cli_runs_a_trained_model_on_ray(ray_cluster, tmp_path):
    path = tmp_path / "p.db"
    project(path, scheme="stance", newsmtsc_lines=0).close()
    gold = [
        {
            "id": f"g{n}-{label}",
            "text": f"Smith {verb} the plan {n}.",
            "targets": [{"start": 0, "end": 5, "label": label}],
        }
        for n in range(6)
        for verb, label in (("praised", "favor"), ("attacked", "against"), ("read", "neutral"))
    ]
    gold_file = write(tmp_path / "gold.jsonl", "\n".join(json.dumps(g) for g in gold))
    runner = CliRunner()
    result = runner.invoke(main, ["train", "--db", str(path), "--name", "tiny", str(gold_file)])
    assert result.exit_code == 0, result.output
    args = ["predict", "--db", str(path), "--model", "trained:tiny", "--engine", "ray"]
    result = runner.invoke(main, [*args, "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert "with trained:tiny" in result.output and "on Ray, 1 worker)" in result.output
    db = open_database(path)
    model = load_model("trained:tiny", models_dir_beside(path))
    assert labels_of(db, "trained:tiny") == expected_labels(db, model)
    assert len(labels_of(db, "trained:tiny")) == db.table("mentions").count
    db.close()
