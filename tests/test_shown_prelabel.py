"""The pre-label an annotator sees comes from the active model alone; a label keeps the
pre-label shown beside it, and its status is judged against that one."""

from __future__ import annotations

import json

from click.testing import CliRunner

from annotator.cli import main
from annotator.store import review
from annotator.store.corpus import document_sentences
from annotator.store.exports import iter_export_records
from annotator.store.predictions import save_predictions
from annotator.store.prelabels import active_model
from annotator.store.queue import sentence_for_review
from annotator.store.reports import model_reports, span_key
from annotator.worker import JobQueue

from .conftest import FIRST, signed_in

LABELS = ["favor", "against", "neutral"]


def _second_model(db, label="against"):
    """Another model's run over every mention: a comparison, not what annotators see."""
    save_predictions(
        db,
        [
            {
                "mention_id": row["id"],
                "model": "stub:other",
                "template_version": "1",
                "label": label,
                "score": 0.7,
                "scores": {"favor": 0.1, "against": 0.7, "neutral": 0.2},
            }
            for row in db.query("select id from mentions")
        ],
    )


def _first_mentions(db):
    return sentence_for_review(db, FIRST, "ana")["mentions"]


def test_another_model_run_never_changes_the_review_card(app, db):
    assert active_model(db) == "stub:first"  # the first model to pre-label a project
    _second_model(db)
    assert active_model(db) == "stub:first"
    assert {m["predicted"] for m in _first_mentions(db)} == {"favor"}
    assert {m["predicted_model"] for m in _first_mentions(db)} == {"stub:first"}


def test_status_is_judged_against_the_shown_prelabel_and_kept(app, db):
    first = _first_mentions(db)[0]
    _second_model(db)  # newer predictions saying "against"
    review.record_label(db, "ana", first["id"], "favor", LABELS)
    [row] = db.query("select * from annotations where mention_id = ?", [first["id"]])
    assert row["status"] == "accepted"
    shown = db.execute("select model, label from predictions where id = ?", [row["prediction_id"]])
    assert shown.fetchone() == ("stub:first", "favor")
    # Switching the active model changes what unlabelled actors show, not what was shown.
    result = CliRunner().invoke(main, ["models", "use", "stub:other", "--db", app.config["DB"]])
    assert result.exit_code == 0, result.output  # --db after the command, as every command
    mentions = {m["id"]: m for m in _first_mentions(db)}
    assert mentions[first["id"]]["predicted"] == "favor"
    assert all(m["predicted"] == "against" for i, m in mentions.items() if i != first["id"])
    target = next(
        t
        for record in iter_export_records(db)
        if record["id"] == FIRST
        for t in record["targets"]
        if t["start"] == first["start"]
    )
    assert (target["status"], target["label"], target["prediction"]["label"]) == (
        "accepted",
        "favor",
        "favor",
    )
    [doc] = [s for s in document_sentences(db, FIRST.split(":")[0]) if s["id"] == FIRST]
    shown_on_page = next(m for m in doc["mentions"] if m["id"] == first["id"])
    assert (shown_on_page["status"], shown_on_page["predicted"]) == ("accepted", "favor")


def test_no_corrected_label_sits_beside_an_identical_prelabel(app, db):
    for mention in _first_mentions(db):
        review.record_label(db, "ana", mention["id"], "against", LABELS)
    _second_model(db)  # agrees with ana, after the fact
    CliRunner().invoke(main, ["models", "--db", app.config["DB"], "use", "stub:other"])
    for record in iter_export_records(db):
        for target in record["targets"]:
            if target["status"] == "corrected":
                assert target["prediction"]["label"] != target["label"]
            if target["status"] == "accepted":
                assert target["prediction"]["label"] == target["label"]


def test_models_command_lists_marks_and_switches(app, db):
    _second_model(db)
    runner = CliRunner()
    result = runner.invoke(main, ["models", "--db", app.config["DB"], "--json"])
    assert result.exit_code == 0, result.output
    rows = {row["spec"]: row for row in json.loads(result.output)}
    assert set(rows) == {"stub:first", "stub:other"}
    assert rows["stub:first"]["active"] and not rows["stub:other"]["active"]
    assert set(rows["stub:first"]) >= {
        "spec",
        "active",
        "method",
        "labels",
        "cv_macro_f1",
        "cv_spread",
        "heldout_macro_f1",
    }
    text = runner.invoke(main, ["models", "--db", app.config["DB"]]).output
    assert "* stub:first" in text and "  stub:other" in text
    refused = runner.invoke(main, ["models", "--db", app.config["DB"], "use", "trained:nope"])
    assert refused.exit_code == 2 and "no trained model 'nope'" in refused.output
    assert active_model(db) == "stub:first"


def test_settings_page_chooses_the_active_model(app, db):
    _second_model(db)
    client = signed_in(app, "adam", "admin")
    page = client.get("/settings").get_data(as_text=True)
    assert 'value="stub:other"' in page
    form = {"overlap": "1", "blind": "y", "hidden_share": "0", "active_model": "stub:other"}
    assert client.post("/settings", data=form).status_code == 303
    assert active_model(db) == "stub:other"
    # the queue's order is re-read by the worker, not in the request
    [job] = db.query("select * from jobs where kind = 'margins'")
    assert db["settings"].count_where("key = 'margins_stale_after'") == 1
    JobQueue(app.config["DB"]).run_pending()
    assert db["settings"].count_where("key = 'margins_stale_after'") == 0
    assert db.execute("select status from jobs where id = ?", [job["id"]]).fetchone()[0] == "done"
    assert client.post("/settings", data=form).status_code == 303  # no change: no job
    assert db["jobs"].count_where("kind = 'margins'") == 1
    # a refresh still running may have passed sentences before a new switch: one more job
    db.execute("update jobs set status = 'running' where id = ?", [job["id"]])
    back = dict(form, active_model="stub:first")
    assert client.post("/settings", data=back).status_code == 303
    assert db["jobs"].count_where("kind = 'margins' and status = 'queued'") == 1
    assert client.post("/settings", data=form).status_code == 303  # one queued is enough
    assert db["jobs"].count_where("kind = 'margins'") == 2
    bad = dict(form, active_model="stub:never-ran")
    assert client.post("/settings", data=bad).status_code == 400
    assert active_model(db) == "stub:other"


def test_a_model_is_not_scored_on_what_it_was_trained_on(app, db):
    mentions = _first_mentions(db)
    for mention in mentions:
        review.record_label(db, "ana", mention["id"], "favor", LABELS)
    text = db.execute("select text from sentences where id = ?", [FIRST]).fetchone()[0]
    seen_keys = frozenset({span_key(text, mentions[0]["start"], mentions[0]["end"])})
    [report] = model_reports(db, LABELS, seen=lambda spec: seen_keys)
    assert report["excluded"] == 1 and report["n"] == len(mentions) - 1
    [unfiltered] = model_reports(db, LABELS)
    assert unfiltered["excluded"] == 0 and unfiltered["n"] == len(mentions)


def test_models_page_says_when_a_model_has_no_gold_it_did_not_train_on(app, db):
    from annotator.models.registry import models_dir_beside

    mentions = _first_mentions(db)
    for mention in mentions:
        review.record_label(db, "ana", mention["id"], "favor", LABELS)
    text = db.execute("select text from sentences where id = ?", [FIRST]).fetchone()[0]
    folder = models_dir_beside(app.config["DB"]) / "mine"
    folder.mkdir(parents=True)
    (folder / "annotator.json").write_text(json.dumps({"method": "linear", "examples": 9}))
    keys = [span_key(text, m["start"], m["end"]) for m in mentions]
    (folder / "trained_on.txt").write_text("\n".join(keys) + "\n")
    save_predictions(
        db,
        [
            {
                "mention_id": m["id"],
                "model": "trained:mine",
                "template_version": "linear-1",
                "label": "favor",
                "score": 0.9,
                "scores": {"favor": 0.9, "against": 0.05, "neutral": 0.05},
            }
            for m in mentions
        ],
    )
    page = signed_in(app, "adam", "admin").get("/models").get_data(as_text=True)
    mine = page.split("<h3><code>trained:mine</code>")[1].split("</section>")[0]
    assert "no gold label it was not trained on" in mine
    assert f"<strong>{len(mentions)}</strong> left out" in mine
    stub = page.split("<h3><code>stub:first</code>")[1].split("</section>")[0]
    assert f"<strong>{len(mentions)}</strong> gold labels" in stub


def test_models_page_counts_the_gold_given_beside_each_models_own_prelabel(app, db):
    """Accepted pre-labels become gold, so a model scored on them is favoured: the page says
    how many of its gold labels were given beside its own pre-label."""
    _second_model(db)  # ran after the labels below: none was given beside its pre-label
    mentions = _first_mentions(db)
    for mention in mentions:
        review.record_label(db, "ana", mention["id"], "favor", LABELS)
    reports = {r["model"]: r for r in model_reports(db, LABELS)}
    assert reports["stub:first"]["shown"] == reports["stub:first"]["n"] == len(mentions)
    assert reports["stub:other"]["shown"] == 0 and reports["stub:other"]["n"] == len(mentions)
    html = signed_in(app, "lena", "lead").get("/models").get_data(as_text=True)
    assert f"<strong>{len(mentions)}</strong> of them given beside its own" in html
