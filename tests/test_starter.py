"""The starter model: built once from NewsMTSC-style labels, adopted by the learning loop's
rule, and its job (build, decide, re-label)."""

import json

import pytest
from click.testing import CliRunner

import annotator.starter as starter
from annotator.cli import main
from annotator.models import Pair, load_model
from annotator.models.registry import (
    check_spec,
    models_dir_beside,
    parse_spec,
    starter_ready,
    trained_specs,
)
from annotator.models.starter import STARTER_SPEC, StarterModel
from annotator.schemes import get_scheme
from annotator.starter import PACKAGED_DATA, adopt_starter, build_starter, starter_examples
from annotator.store.database import open_database
from annotator.store.prelabels import active_model, set_active_model

from .conftest import write

POLARITY = {"negative": 2.0, "neutral": 4.0, "positive": 6.0}
TEMPLATES = [
    ("Critics condemned {} for the scandal.", "negative"),
    ("Protesters booed {} outside the court.", "negative"),
    ("Fans cheered {} after the win.", "positive"),
    ("Voters praised {} for the reform.", "positive"),
    ("{} spoke to reporters on Monday.", "neutral"),
    ("{} arrived in Paris on Tuesday.", "neutral"),
]
NAMES = ["Smith", "Jones", "Brown", "Green", "White", "Black", "Adams", "Baker"]


def newsmtsc_file(tmp_path):
    """A small file in NewsMTSC's layout (the packaged split is 8,739 labels)."""
    lines = []
    for person in NAMES:
        for i, (template, label) in enumerate(TEMPLATES):
            text = template.format(person)
            start = text.index(person)
            target = {"from": start, "to": start + len(person), "mention": person}
            target["polarity"] = POLARITY[label]
            row = {"primary_gid": f"{person}-{i}", "sentence_normalized": text, "targets": [target]}
            lines.append(json.dumps(row))
    return write(tmp_path / "train.jsonl", "\n".join(lines))


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def small_data(tmp_path, monkeypatch):
    path = newsmtsc_file(tmp_path)
    monkeypatch.setattr(starter, "PACKAGED_DATA", path)
    return path


def test_the_package_ships_newsmtsc_train_with_its_licence():
    examples = starter_examples()
    assert len(examples) == 8739
    assert {e.label for e in examples} == {"positive", "negative", "neutral"}
    folder = PACKAGED_DATA.parent
    assert "MIT" in (folder / "README.md").read_text(encoding="utf-8")
    assert "Permission is hereby granted" in (folder / "LICENSE").read_text(encoding="utf-8")


def test_the_starter_is_built_once_and_predicts_either_scheme(tmp_path, small_data):
    models_dir = tmp_path / "models"
    with pytest.raises(ValueError, match="not built yet"):
        check_spec(STARTER_SPEC, models_dir)
    meta = build_starter(models_dir)
    assert starter_ready(models_dir) and check_spec("starter", models_dir) == "starter"
    assert meta["examples"] + meta["cv_scored"] == len(NAMES) * len(TEMPLATES)
    assert meta["cv_scored"] == sum(starter.held_out(starter_examples(small_data)))
    assert meta["method"] == "cross-encoder" and meta["input"] == "sentence"
    assert "companion" not in meta and meta["cv_folds"] == 1 and meta["name"] == "starter"
    assert [p.name for p in models_dir.iterdir()] == ["starter"]  # no build folder left
    assert 0 <= meta["cv_macro_f1"] <= 1 and 0 <= meta["default_macro_f1"] <= 1
    assert meta["default_spec"] == "embedding:all-MiniLM-L6-v2"
    assert trained_specs(models_dir) == []  # not a trained model of any project
    with pytest.raises(ValueError, match="starter"):
        parse_spec("trained:starter")
    model = load_model(STARTER_SPEC, models_dir)
    pair = Pair("Critics condemned Miller for the scandal.", 18, 24, "Miller")
    [stance] = model.predict([pair], get_scheme("stance"))
    [sentiment] = model.predict([pair], get_scheme("sentiment"))
    assert set(stance.scores) == {"favor", "against", "neutral"}
    assert stance.scores["against"] == sentiment.scores["negative"]
    assert model.spec == "starter" and model.method_version.startswith("starter-")


def test_a_pairs_label_does_not_depend_on_the_pairs_read_beside_it(tmp_path, small_data):
    """The same sentence gets the same pre-label whether it is imported alone or with a
    thousand others (int8 with inputs quantized per batch changed one label in twenty)."""
    units = []
    build_starter(tmp_path / "models", on_progress=units.append)
    assert sum(units) == starter.build_work(starter_examples(small_data))
    examples = starter_examples()
    pairs = [e.pair for e in examples]
    scheme = get_scheme("sentiment")
    together = StarterModel(tmp_path / "models").predict(pairs, scheme, batch_size=16)
    model = StarterModel(tmp_path / "models")
    for i in (0, 7, len(pairs) - 1):
        [alone] = model.predict([pairs[i]], scheme)
        assert alone.label == together[i].label
        assert alone.scores == pytest.approx(together[i].scores, abs=1e-5)


def test_a_project_adopts_the_starter_by_the_loops_rule(tmp_path, small_data):
    path = tmp_path / "p.db"
    run("init", "--db", str(path))
    db = open_database(path)
    models_dir = models_dir_beside(path)
    meta = build_starter(models_dir)
    set_active_model(db, "embedding:all-MiniLM-L6-v2")
    promoted, decision = adopt_starter(db, models_dir)
    gain = round(meta["cv_macro_f1"] - meta["default_macro_f1"], 3)
    assert promoted == (gain >= 0.01)
    assert "NewsMTSC train labels" in decision
    set_active_model(db, "nli:some/model")  # no figure of it on the same labels: kept
    promoted, decision = adopt_starter(db, models_dir)
    assert not promoted and decision.startswith("kept nli:some/model")
    db.close()


def test_predict_builds_the_starter_first(tmp_path, small_data, monkeypatch):
    path = tmp_path / "p.db"
    run("init", "--db", str(path))
    text = write(tmp_path / "a.txt", "Angela Merkel praised Emmanuel Macron in Paris.")
    run("import", "--db", str(path), str(text))
    result = run("predict", "--db", str(path), "--model", "starter")
    assert "building the starter model" in result.output
    assert "held-out NewsMTSC train labels" in result.output
    assert "pre-labelled 3 mentions with starter" in result.output  # Merkel, Macron, Paris
    again = run("predict", "--db", str(path), "--model", "starter")
    assert "building" not in again.output  # built once


def test_the_starter_job_builds_decides_and_relabels(tmp_path, small_data, monkeypatch):
    from annotator.store.jobs import create_job, get_job
    from annotator.tasks import STARTER
    from annotator.worker import run_job

    path = tmp_path / "p.db"
    run("init", "--db", str(path))
    text = write(tmp_path / "a.txt", "Angela Merkel praised Emmanuel Macron in Paris.")
    run("import", "--db", str(path), str(text))
    run("predict", "--db", str(path))
    monkeypatch.setattr(starter, "promotion_margin", lambda db: -1.0)  # any figure promotes
    db = open_database(path)
    job_id = create_job(db, STARTER, {})
    run_job(str(path), job_id)
    job = get_job(db, job_id)
    assert job["status"] == "done", job["message"]
    assert job["message"].startswith("starter model promoted")
    assert active_model(db) == "starter"
    shown = db.execute("select count(*) from predictions where model = 'starter'").fetchone()[0]
    assert shown == db["mentions"].count == 3
    db.close()


def test_a_starter_not_adopted_is_shown_with_its_figures_and_the_decision(tmp_path, small_data):
    from annotator import create_app
    from annotator.store.jobs import create_job
    from annotator.tasks import STARTER
    from annotator.worker import run_job

    from .conftest import signed_in

    path = tmp_path / "p.db"
    run("init", "--db", str(path))
    run("import", "--db", str(path), str(write(tmp_path / "a.txt", "Angela Merkel spoke.")))
    run("predict", "--db", str(path))
    db = open_database(path)
    set_active_model(db, "nli:some/model")  # no figure on NewsMTSC: kept
    run_job(str(path), create_job(db, STARTER, {}))
    assert active_model(db) == "nli:some/model"
    listed = run("models", "--db", str(path)).output
    assert "starter (cross-encoder, trained on" in listed and "held-out macro-F1" in listed
    app = create_app(
        {"DB": str(path), "TESTING": True, "SECRET_KEY": "t", "WTF_CSRF_ENABLED": False}
    )
    html = signed_in(app, "lena", "lead").get("/models").get_data(as_text=True)
    assert "Starter model" in html and "held-out labels" in html
    assert "starter model kept nli:some/model" in html and "--model starter" in html
    db.close()


def test_serve_queues_the_starter_job_once_per_project(tmp_path):
    from annotator.cli.server import _queue_starter
    from annotator.store.jobs import FAILED, update_job

    path = tmp_path / "p.db"
    run("init", "--db", str(path))
    db = open_database(path)
    _queue_starter(path)
    _queue_starter(path)  # one is queued already
    [job] = db["jobs"].rows_where("kind = 'starter'")
    update_job(db, job["id"], status="done")
    _queue_starter(path)  # it ran: never again
    assert db["jobs"].count_where("kind = 'starter'") == 1
    update_job(db, job["id"], status=FAILED)
    _queue_starter(path)  # a failed one is tried again
    assert db["jobs"].count_where("kind = 'starter'") == 2
    db.close()


def test_a_few_gold_labels_do_not_outweigh_the_held_out_figure(tmp_path, small_data):
    """Fifteen labels given beside the default's pre-labels (all of them its labels here):
    fewer than MIN_COMPARED, so the starter is judged by its held-out NewsMTSC figure."""
    from annotator.learning_plan import MIN_COMPARED
    from annotator.store.review import accept_sentence

    path = tmp_path / "p.db"
    run("init", "--db", str(path), "--scheme", "sentiment")
    lines = [f"{name} met the press in Rome on Friday." for name in NAMES]
    run("import", "--db", str(path), str(write(tmp_path / "a.txt", "\n\n".join(lines))))
    run("predict", "--db", str(path))
    db = open_database(path)
    sentences = [r["id"] for r in db.query("select id from sentences order by id")]
    for sentence_id in sentences:
        accept_sentence(db, "ana", sentence_id)  # the default's pre-labels become the gold
    gold = db.execute("select count(*) from annotations").fetchone()[0]
    assert 0 < gold < MIN_COMPARED
    models_dir = models_dir_beside(path)
    meta = build_starter(models_dir)
    set_active_model(db, "embedding:all-MiniLM-L6-v2")
    promoted, decision = adopt_starter(db, models_dir)
    assert "NewsMTSC train labels" in decision and f"same {gold} gold" not in decision
    assert promoted == (meta["cv_macro_f1"] - meta["default_macro_f1"] >= 0.01)
    db.close()


def test_gold_given_beside_the_defaults_pre_labels_does_not_judge_the_starter(tmp_path, small_data):
    """More than MIN_COMPARED labels, all taken from the default's pre-labels while the starter
    was building: they lean the default's way, so the held-out figure decides."""
    from annotator.learning_plan import MIN_COMPARED
    from annotator.store.review import accept_sentence

    path = tmp_path / "p.db"
    run("init", "--db", str(path), "--scheme", "sentiment")
    places = ["Rome", "Paris", "Oslo", "Lima", "Kyiv"]
    lines = [f"{name} met the press in {place} on Friday." for name in NAMES for place in places]
    run("import", "--db", str(path), str(write(tmp_path / "a.txt", "\n\n".join(lines))))
    run("predict", "--db", str(path))
    db = open_database(path)
    for (sentence_id,) in db.execute("select distinct sentence_id from mentions").fetchall():
        accept_sentence(db, "ana", sentence_id)
    assert db.execute("select count(*) from annotations").fetchone()[0] >= MIN_COMPARED
    models_dir = models_dir_beside(path)
    build_starter(models_dir)
    set_active_model(db, "embedding:all-MiniLM-L6-v2")
    _, decision = adopt_starter(db, models_dir)
    assert "NewsMTSC train labels" in decision and "gold label" not in decision
    db.close()


def test_the_starter_is_not_scored_on_gold_it_learned(tmp_path, small_data):
    """A project of NewsMTSC sentences: the starter learned four fifths of them, too much to
    compare on the rest (its held-out figure speaks for it instead)."""
    path = tmp_path / "p.db"
    run("init", "--db", str(path), "--scheme", "sentiment")
    run("import", "--db", str(path), str(small_data), "--annotator", "ana")
    db = open_database(path)
    models_dir = models_dir_beside(path)
    build_starter(models_dir)
    set_active_model(db, "embedding:all-MiniLM-L6-v2")
    promoted, decision = adopt_starter(db, models_dir)
    assert "same 48 gold labels" not in decision and "NewsMTSC train labels" in decision
    db.close()


def test_demo_builds_the_starter_in_the_background_and_serve_only_when_asked():
    from annotator.cli.server import demo, serve

    def default(command):
        [option] = [p for p in command.params if p.name == "starter"]
        return option.default

    assert default(demo) is True and default(serve) is False
