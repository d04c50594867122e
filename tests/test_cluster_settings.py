"""The project's Ray cluster for background model runs: Settings, and the values refused."""

import pytest

from annotator.store.cluster_settings import ray_address, ray_workers, set_ray_cluster
from annotator.store.database import open_database, set_setting

from .conftest import signed_in

FORM = {"overlap": "1", "hidden_share": "0"}


def test_settings_point_model_runs_at_a_cluster_and_back(app):
    admin = signed_in(app, "adam", "admin")
    db = open_database(app.config["DB"])
    assert ray_address(db) is None and ray_workers(db) == 1
    for address in ("ray://head.example.org:10001", "auto", "10.0.0.5:6379"):
        response = admin.post(
            "/settings", data={**FORM, "ray_address": f" {address} ", "ray_workers": "4"}
        )
        assert response.status_code == 303
        assert (ray_address(db), ray_workers(db)) == (address, 4)
    page = admin.get("/settings").get_data(as_text=True)
    assert 'value="10.0.0.5:6379"' in page
    assert admin.post("/settings", data=FORM).status_code == 303  # not posted: left alone
    assert ray_address(db) == "10.0.0.5:6379"
    assert admin.post("/settings", data={**FORM, "ray_workers": "7"}).status_code == 303
    assert (ray_address(db), ray_workers(db)) == ("10.0.0.5:6379", 7)  # the workers alone
    assert admin.post("/settings", data={**FORM, "ray_address": ""}).status_code == 303
    assert ray_address(db) is None and ray_workers(db) == 7
    db.close()


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("ray_address", "http://head:8265", "Ray cluster: auto, HOST:PORT"),
        ("ray_address", "head", "Ray cluster: auto, HOST:PORT"),
        ("ray_address", "head:port", "Ray cluster: auto, HOST:PORT"),
        ("ray_address", "head:1; rm -rf /", "Ray cluster: auto, HOST:PORT"),
        ("ray_address", "x" * 300 + ":1", "Ray cluster: auto, HOST:PORT"),
        ("ray_address", "head:99999", "Ray cluster: auto, HOST:PORT"),
        ("ray_address", "head:0", "Ray cluster: auto, HOST:PORT"),
        ("ray_workers", "0", "Ray workers: a whole number"),
        ("ray_workers", "1025", "Ray workers: a whole number"),
        ("ray_workers", "two", "Ray workers: a whole number"),
    ],
)
def test_settings_refuse_a_bad_cluster(app, field, value, message):
    admin = signed_in(app, "adam", "admin")
    data = {**FORM, "ray_address": "auto", "ray_workers": "2", field: value}
    response = admin.post("/settings", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and page.count('class="field-error"') == 1
    assert message in page
    db = open_database(app.config["DB"])
    assert ray_address(db) is None
    db.close()


def test_the_store_refuses_what_the_form_refuses_and_reads_hand_edits_safely(db):
    with pytest.raises(ValueError, match="not a Ray address"):
        set_ray_cluster(db, "http://x:1", 1)
    with pytest.raises(ValueError, match="Ray workers"):
        set_ray_cluster(db, "auto", 0)
    set_setting(db, "ray_workers", "many")
    assert ray_workers(db) == 1


def test_the_ray_engine_without_the_cluster_extra_says_how_to_install_it(db_path, db, monkeypatch):
    import sys

    from click.testing import CliRunner

    from annotator.cli import main
    from annotator.ingest import import_file
    from annotator.store.database import project_scheme

    from .conftest import SEED

    import_file(db, SEED, "auto", project_scheme(db).label_names)
    monkeypatch.setitem(sys.modules, "ray", None)  # as if it were not installed
    result = CliRunner().invoke(main, ["predict", "--db", str(db_path), "--engine", "ray"])
    assert result.exit_code == 1
    assert "--engine ray needs the cluster extra: pip install -e '.[cluster]'" in result.output
    assert db.table("predictions").count == 0


def test_an_unreachable_cluster_is_named_at_once(db_path, db):
    """Ray itself retries a missing cluster for minutes; the command says so in seconds."""
    import time

    from click.testing import CliRunner

    from annotator.cli import main
    from annotator.ingest import import_file
    from annotator.store.database import project_scheme

    from .conftest import SEED

    pytest.importorskip("ray", reason="the cluster extra is not installed")
    import ray

    if ray.is_initialized():
        pytest.skip("this process is connected to a cluster already")
    import_file(db, SEED, "auto", project_scheme(db).label_names)
    started = time.monotonic()
    args = ["predict", "--db", str(db_path), "--engine", "ray", "--address", "127.0.0.1:1"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1 and time.monotonic() - started < 30
    assert "cannot reach the Ray cluster at 127.0.0.1:1" in result.output
    assert not ray.is_initialized() and db.table("predictions").count == 0


def test_ctrl_c_during_a_cluster_run_stops_it_after_the_shard_in_hand():
    import os
    import signal

    import click

    from annotator.cli.predicting import _stop_between_shards

    before = signal.getsignal(signal.SIGINT)
    updates = []
    with _stop_between_shards(updates.append) as progress:
        progress(512)  # a shard stored, nobody asked to stop
        os.kill(os.getpid(), signal.SIGINT)
        with pytest.raises(click.Abort):
            progress(512)  # the next one is stored, then the run ends
    assert updates == [512, 512] and signal.getsignal(signal.SIGINT) is before
