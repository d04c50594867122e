"""The learning loop: cross-validated estimate, promotion by a margin, re-labelling of the
unreviewed mentions, and the runs it starts by itself."""

import json

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.cross_validation import fold_of_examples
from annotator.ingest import import_file
from annotator.learning import decide, describe, learn, relabel_unreviewed
from annotator.models import Pair, load_model
from annotator.models.registry import models_dir_beside
from annotator.prelabel import prelabel
from annotator.store.database import open_database, project_scheme
from annotator.store.learning import learning_due, record_learned, set_learn_every
from annotator.store.prelabels import active_model
from annotator.store.review import record_label
from annotator.tasks import run_learn
from annotator.training import Example

from .conftest import FirstLabelModel, write

TEMPLATES = [
    ("Critics condemned {} for the scandal.", "against"),
    ("Protesters booed {} outside the court.", "against"),
    ("Fans cheered {} after the win.", "favor"),
    ("Voters praised {} for the reform.", "favor"),
    ("{} spoke to reporters on Monday.", "neutral"),
    ("{} arrived in Paris on Tuesday.", "neutral"),
]
NAMES = ["Smith", "Jones", "Brown", "Green", "White", "Black", "Adams", "Baker", "Clark"]


def gold_file(tmp_path, names, name="gold.jsonl"):
    lines = []
    for person in names:
        for i, (template, label) in enumerate(TEMPLATES):
            text = template.format(person)
            start = text.index(person)
            target = {"start": start, "end": start + len(person), "label": label}
            lines.append(json.dumps({"id": f"{person}-{i}", "text": text, "targets": [target]}))
    return write(tmp_path / name, "\n".join(lines))


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def project(tmp_path):
    """A stance project with 54 gold labels from one annotator."""
    path = tmp_path / "team.db"
    run("init", "--db", str(path))
    run("import", "--db", str(path), str(gold_file(tmp_path, NAMES)), "--annotator", "ana")
    return path


def test_learn_estimates_by_cross_validation_and_promotes_when_nothing_is_active(project):
    result = run("learn", "--db", str(project))
    assert result.exit_code == 0, result.output
    assert "cross-validated macro-F1" in result.output and "over 5 folds" in result.output
    assert "promoted: no model was active" in result.output
    [row] = json.loads(run("models", "--db", str(project), "--json").output)
    assert row["active"] is True and row["spec"].startswith("trained:learned-")
    assert row["method"] == "linear" and row["labels"] == len(NAMES) * len(TEMPLATES)
    assert 0.8 <= row["cv_macro_f1"] <= 1 and 0 <= row["cv_spread"] < 0.2
    assert row["heldout_macro_f1"] is None  # every gold label was trained on
    listing = run("models", "--db", str(project)).output
    assert f"{row['spec']} (linear, trained on 54 labels" in listing
    assert "not scored yet: no pre-label of it has gold" in listing  # all gold came first


def test_too_few_or_one_sided_gold_is_a_clear_error(tmp_path):
    path = tmp_path / "small.db"
    run("init", "--db", str(path))
    result = run("learn", "--db", str(path))
    assert result.exit_code == 1 and "no gold labels: nothing to learn yet" in result.output
    run("import", "--db", str(path), str(gold_file(tmp_path, NAMES[:2])), "--annotator", "ana")
    result = run("learn", "--db", str(path))
    assert result.exit_code == 1 and "too few to cross-validate" in result.output
    assert not models_dir_beside(path).exists() or not any(models_dir_beside(path).iterdir())
    result = run("learn", "--db", str(path), "--background")  # refused here, not in the worker
    assert result.exit_code == 1 and "too few to cross-validate" in result.output
    assert open_database(path).table("jobs").count == 0


def test_learn_in_the_background_queues_one_run_at_a_time(project):
    first = run("learn", "--db", str(project), "--background")
    assert first.exit_code == 0 and "queued job 1" in first.output
    again = run("learn", "--db", str(project), "--background")
    assert again.exit_code == 0 and "already under way: job 1" in again.output
    assert open_database(project).table("jobs").count == 1


def test_a_queued_run_whose_gold_cannot_train_fails_with_the_reason(tmp_path, caplog):
    from annotator.store.jobs import create_job, get_job
    from annotator.tasks import LEARN, learn_params
    from annotator.worker import run_job

    path = tmp_path / "empty.db"
    run("init", "--db", str(path))
    db = open_database(path)
    job_id = create_job(db, LEARN, learn_params("auto", 16))  # queued before the gold went
    run_job(str(path), job_id)
    job = get_job(db, job_id)
    assert job["status"] == "failed"
    assert job["message"].startswith("no gold labels: nothing to learn yet")
    assert "Traceback" not in caplog.text and "refused" in caplog.text


def test_folds_keep_a_sentence_whole_and_spread_every_label():
    examples = []
    for person in NAMES:
        for template, label in TEMPLATES:
            text = template.format(person) + f" {person} again."
            for at in (text.index(person), text.rindex(person)):  # two mentions per sentence
                examples.append(Example(Pair(text, at, at + len(person)), label))
    fold = fold_of_examples(examples, 5, seed=1)
    by_sentence = {}
    for example, f in zip(examples, fold):
        by_sentence.setdefault(example.pair.sentence, set()).add(f)
    assert all(len(folds) == 1 for folds in by_sentence.values())
    for label in ("favor", "against", "neutral"):
        per_fold = [
            sum(1 for e, f in zip(examples, fold) if f == k and e.label == label) for k in range(5)
        ]
        assert min(per_fold) >= 1 and max(per_fold) - min(per_fold) <= 2
    assert fold == fold_of_examples(examples, 5, seed=1)  # reproducible


def test_decision_needs_the_margin_and_says_why():
    same = {"spec": "embedding", "basis": "same gold", "n": 40, "active": 0.6, "candidate": 0.64}
    assert decide(same, 0.01) == (
        True,
        "promoted: macro-F1 0.640 against 0.600 for embedding on the same 40 gold labels, "
        "better by +0.040 (margin 0.010)",
    )
    promoted, why = decide(same, 0.05)
    assert not promoted and why.startswith("not promoted") and "less than the margin 0.050" in why
    assert decide(None, 0.01) == (True, "promoted: no model was active")
    # Decided at the precision it is shown with: a gain that reads +0.010 meets a margin of 0.010.
    close = {**same, "active": 0.4701, "candidate": 0.4800}
    assert decide(close, 0.01)[0] is True
    assert decide({**close, "candidate": 0.4790}, 0.01)[0] is False


def _add_unreviewed_text(db, tmp_path):
    plain = write(tmp_path / "news.txt", "Reporters met Smith in Rome. Critics condemned Jones.")
    import_file(db, plain, "auto", ["favor", "against", "neutral"])
    return [
        row["id"]
        for row in db.query(
            "select id from mentions m where not exists "
            "(select 1 from annotations a where a.mention_id = m.id)"
        )
    ]


def test_a_promoted_model_relabels_only_unreviewed_mentions_then_becomes_active(project, tmp_path):
    db = open_database(project)
    unreviewed = _add_unreviewed_text(db, tmp_path)
    assert unreviewed
    prelabel(db, FirstLabelModel(), project_scheme(db))
    assert active_model(db) == "stub:first"
    decisions = list(db.query("select * from annotations order by mention_id"))
    meta = learn(db, models_dir_beside(project))
    assert meta["promoted"] and meta["compared_with"]["basis"] == "same gold"
    assert meta["compared_with"]["spec"] == "stub:first"
    assert active_model(db) == "stub:first"  # not before the unreviewed mentions have its labels
    count = relabel_unreviewed(db, models_dir_beside(project), meta["spec"])
    assert count == len(unreviewed) and active_model(db) == meta["spec"]
    predicted = {
        row["mention_id"]
        for row in db.query("select mention_id from predictions where model = ?", [meta["spec"]])
    }
    assert predicted == set(unreviewed)
    assert list(db.query("select * from annotations order by mention_id")) == decisions
    db.close()


def test_with_two_annotators_a_promoted_model_relabels_what_the_second_has_to_review(
    project, tmp_path
):
    """k = 2: a mention one annotator labelled is still to review for the second, who must
    see the new active model's pre-label on it, not none."""
    from annotator.store.assignments import set_overlap
    from annotator.store.prelabels import shown_labels

    db = open_database(project)
    unreviewed = _add_unreviewed_text(db, tmp_path)
    prelabel(db, FirstLabelModel(), project_scheme(db))
    decisions = list(db.query("select * from annotations order by mention_id"))
    meta = learn(db, models_dir_beside(project))
    assert meta["promoted"]
    set_overlap(db, 2)  # the team now asks for a second annotator on every sentence
    relabel_unreviewed(db, models_dir_beside(project), meta["spec"])
    labelled_once = {row["mention_id"] for row in decisions}
    predicted = {
        row["mention_id"]
        for row in db.query("select mention_id from predictions where model = ?", [meta["spec"]])
    }
    assert predicted == set(unreviewed) | labelled_once
    every = [row["id"] for row in db.query("select id from mentions")]
    assert set(shown_labels(db, every)) == set(every)  # no card left without pre-labels
    assert list(db.query("select * from annotations order by mention_id")) == decisions
    db.close()


def test_a_model_is_compared_only_on_gold_it_never_saw(project, tmp_path, monkeypatch):
    import annotator.cross_validation as cross_validation

    db = open_database(project)
    folder = models_dir_beside(project)
    first = learn(db, folder)
    relabel_unreviewed(db, folder, first["spec"])
    # Retrained on the same gold: the active model saw all of it, so the two are compared by
    # their cross-validated figures, and an equal one is not promoted.
    again = learn(db, folder)
    assert again["compared_with"]["basis"] == "cross-validation"
    assert not again["promoted"] and again["decision"].startswith("not promoted")
    assert active_model(db) == first["spec"]
    # New gold the active model never saw: both are scored on exactly those labels.
    more = gold_file(tmp_path, ["Evans", "Flynn", "Grant", "Hayes", "Irwin"], "more.jsonl")
    import_file(db, more, "auto", project_scheme(db).label_names, "ana")
    prelabel(db, load_model(first["spec"], folder), project_scheme(db))
    fitted_on, fit = [], cross_validation.fit_linear
    monkeypatch.setattr(
        cross_validation, "fit_linear", lambda x, *a: fitted_on.append(len(x)) or fit(x, *a)
    )
    third = learn(db, folder)
    assert third["compared_with"]["basis"] == "same gold"
    assert third["compared_with"]["n"] == third["cv_scored"] == 5 * len(TEMPLATES)
    # Every fold trained on all the gold the active model had, and on most of the new gold.
    old, new = len(NAMES) * len(TEMPLATES), 5 * len(TEMPLATES)
    assert len(fitted_on) == 5 and all(old + new * 0.7 <= n < old + new for n in fitted_on)
    assert "of the 30 the previous model never saw" in describe(third)
    db.close()


def test_a_learning_job_resumed_after_deciding_goes_straight_to_relabelling(project, tmp_path):
    db = open_database(project)
    unreviewed = _add_unreviewed_text(db, tmp_path)
    meta = learn(db, models_dir_beside(project))
    trained = sorted(models_dir_beside(project).iterdir())
    params = {"method": "auto", "batch_size": 8, "spec": meta["spec"], "promoted": True}
    job_id = db.table("jobs").insert({"kind": "learn", "status": "running", "params": "{}"}).last_pk
    message = run_learn(db, str(project), {"id": job_id, "params": {**params, "summary": "s"}})
    assert sorted(models_dir_beside(project).iterdir()) == trained  # nothing trained again
    assert f"re-labelled {len(unreviewed)} unreviewed mentions" in message
    assert active_model(db) == meta["spec"]
    db.close()


def test_learning_is_due_after_the_set_number_of_new_gold_labels(db, tmp_path):
    text = " ".join(f"Reporters met {person} in Rome." for person in NAMES[:5])
    import_file(db, write(tmp_path / "news.txt", text), "auto", project_scheme(db).label_names)
    mentions = [row["id"] for row in db.query("select id from mentions order by id")]
    assert not learning_due(db)  # off by default
    set_learn_every(db, 3)
    for mention in mentions[:2]:
        record_label(db, "ana", mention, "favor", project_scheme(db).label_names)
    assert not learning_due(db)
    record_label(db, "ana", mentions[2], "favor", project_scheme(db).label_names)
    assert learning_due(db)
    record_learned(db, 3)
    for mention in mentions[3:5]:
        record_label(db, "ana", mention, "favor", project_scheme(db).label_names)
    assert not learning_due(db)
    with pytest.raises(ValueError):
        set_learn_every(db, -1)


def test_projects_in_one_folder_each_see_only_their_own_learning_history(project, tmp_path):
    """Databases beside each other share `models/`; the loop's history is per project."""
    from annotator.learning_history import learning_history

    other = tmp_path / "other.db"
    run("init", "--db", str(other))
    run(
        "import",
        "--db",
        str(other),
        str(gold_file(tmp_path, NAMES[:4], "o.jsonl")),
        "--annotator",
        "ana",
    )
    assert run("learn", "--db", str(project)).exit_code == 0
    assert run("learn", "--db", str(other)).exit_code == 0
    folder = models_dir_beside(project)
    for path, labels in ((project, len(NAMES) * len(TEMPLATES)), (other, 4 * len(TEMPLATES))):
        db = open_database(path)
        [mine] = learning_history(folder, db)
        assert mine["examples"] == labels
        db.close()
        rows = json.loads(run("models", "--db", str(path), "--json").output)
        assert [row["labels"] for row in rows if row["spec"].startswith("trained:")] == [labels]


def test_a_learned_model_never_replaces_one_of_the_same_name(tmp_path):
    from annotator.learning import _free_name

    assert _free_name(tmp_path, "learned-1") == "learned-1"
    (tmp_path / "learned-1").mkdir()
    (tmp_path / "learned-1-2").mkdir()
    assert _free_name(tmp_path, "learned-1") == "learned-1-3"


def test_a_cross_encoder_turn_continues_the_active_one_until_the_gold_grows_by_half():
    from annotator.learning_plan import _can_continue

    labels = ["favor", "against", "neutral"]
    active = {"method": "cross-encoder", "head": "mention-pool", "labels": labels}
    assert _can_continue({**active, "examples": 2000}, 2100, labels)
    assert _can_continue({**active, "examples": 2900, "full_examples": 2000}, 2999, labels)
    assert not _can_continue({**active, "examples": 2900, "full_examples": 2000}, 3000, labels)
    assert not _can_continue({**active, "examples": 2000}, 2100, ["positive", "negative"])
    assert not _can_continue({**active, "head": None, "examples": 2000}, 2100, labels)
    assert not _can_continue({"method": "linear", "labels": labels, "examples": 1900}, 2000, labels)
    assert not _can_continue({}, 2100, labels)  # a zero-shot model


def test_a_model_that_learned_no_gold_is_compared_on_all_of_it_however_little(project, monkeypatch):
    import annotator.learning as learning
    from annotator.learning import compare_with_active
    from annotator.store.prelabels import set_active_model
    from annotator.training import examples_from_db

    db = open_database(project)
    examples = examples_from_db(db)[:20]  # fewer than the 30 a partial comparison needs
    set_active_model(db, "stub:first")
    monkeypatch.setattr(learning, "shown_labels", lambda db, ids: {i: "neutral" for i in ids})
    predicted = [e.label for e in examples]
    compared = compare_with_active(db, models_dir_beside(project), examples, predicted, 0.5)
    assert compared["basis"] == "same gold" and compared["n"] == 20
    assert compared["candidate"] == 1.0 and compared["active"] < 1.0
    fewer = lambda db, ids: {i: "neutral" for i in list(ids)[:10]}  # noqa: E731
    monkeypatch.setattr(learning, "shown_labels", fewer)
    compared = compare_with_active(db, models_dir_beside(project), examples, predicted, 0.5)
    assert compared["basis"] == "cross-validation"  # 10 of 20 is no fair comparison
    db.close()


def _fake_cross_encoder(folder, examples, labels, project_name, trained):
    """A cross-encoder's folder as the loop leaves it: metadata and the keys it learned."""
    from annotator.fine_tuning import example_key

    folder.mkdir(parents=True)
    meta = {
        "method": "cross-encoder",
        "head": "mention-pool",
        "labels": labels,
        "examples": len(examples),
        "scheme": "stance",
        "project": project_name,
        "cv_macro_f1": 0.5,
        "trained": trained,
    }
    (folder / "annotator.json").write_text(json.dumps(meta), encoding="utf-8")
    (folder / "trained_on.txt").write_text(
        "\n".join(example_key(e) for e in examples), encoding="utf-8"
    )


def test_a_turn_continues_the_newest_cross_encoder_even_when_it_was_not_promoted(
    project, monkeypatch
):
    """A cross-encoder that lost its comparison is still the chain's newest link: the next
    turn continues from it (minutes) instead of training from the encoder again (half an
    hour), holds in what it and the active model learned, and is compared only on the rest."""
    import annotator.learning_plan as learning_plan
    from annotator.learning_plan import plan_learning
    from annotator.store.learning import project_id
    from annotator.store.prelabels import set_active_model
    from annotator.training import examples_from_db

    monkeypatch.setattr(learning_plan, "CHAIN_GROWTH", 4)  # 54 gold labels grow fast
    db = open_database(project)
    models_dir = models_dir_beside(project)
    labels = project_scheme(db).label_names
    examples = examples_from_db(db)
    _fake_cross_encoder(
        models_dir / "learned-1", examples[:12], labels, project_id(db), "2026-01-01T00:00:00"
    )
    _fake_cross_encoder(
        models_dir / "learned-2", examples[:18], labels, project_id(db), "2026-01-02T00:00:00"
    )
    _fake_cross_encoder(  # another project's newer model is not ours to continue
        models_dir / "learned-3", examples[:24], labels, "elsewhere", "2026-01-03T00:00:00"
    )
    set_active_model(db, "stub:first")  # the active model learned nothing
    plan = plan_learning(db, models_dir, "cross-encoder")
    assert plan.continue_from == models_dir / "learned-2"
    assert plan.held_in == frozenset(range(18))

    # Too little gold besides what the newest learned: from the encoder, on plain folds.
    _fake_cross_encoder(
        models_dir / "learned-4", examples[:40], labels, project_id(db), "2026-01-04T00:00:00"
    )
    plan = plan_learning(db, models_dir, "cross-encoder")
    assert plan.continue_from is None and plan.held_in == frozenset()
    monkeypatch.setattr(learning_plan, "CHAIN_GROWTH", 1.5)  # grown by half: anew
    (models_dir / "learned-4" / "annotator.json").unlink()
    assert plan_learning(db, models_dir, "cross-encoder").continue_from is None
    db.close()


def test_the_active_model_is_compared_only_on_gold_the_candidate_was_scored_on(
    project, monkeypatch
):
    import annotator.learning as learning
    from annotator.learning import compare_with_active
    from annotator.store.prelabels import set_active_model
    from annotator.training import examples_from_db

    db = open_database(project)
    examples = examples_from_db(db)
    set_active_model(db, "stub:first")
    monkeypatch.setattr(learning, "shown_labels", lambda db, ids: {i: "neutral" for i in ids})
    predicted = [None] * 10 + [e.label for e in examples[10:]]  # ten held in
    compared = compare_with_active(db, models_dir_beside(project), examples, predicted, 0.5)
    assert compared["basis"] == "same gold" and compared["n"] == len(examples) - 10
    assert compared["candidate"] == 1.0
    db.close()


def test_a_trained_model_whose_files_are_not_beside_the_database_is_not_called_zero_shot(
    project,
):
    from annotator.store.prelabels import set_active_model

    db = open_database(project)
    set_active_model(db, "starter")  # as in a copy of a database, without its models folder
    db.close()
    rows = json.loads(run("models", "--db", str(project), "--json").output)
    [starter] = [row for row in rows if row["spec"] == "starter"]
    assert starter["method"] == "files missing"
