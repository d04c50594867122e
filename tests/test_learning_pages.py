"""The learning loop in the web app: Train now, the curve, Settings, and runs started by labels."""

from annotator.store.database import open_database
from annotator.store.learning import learn_every, promotion_margin, set_learn_every
from annotator.store.prelabels import active_model
from annotator.store.queue import fair_share
from annotator.store.review import record_label
from annotator.worker import JobQueue

from .conftest import FIRST, HX, signed_in

# What a careful reader of the seed article might say, by actor: enough signal to learn.
STANCE = {"Putin": "against", "Kim": "favor", "Vladimir Putin": "against", "Kim Jong Un": "favor"}
LABELS = ["favor", "against", "neutral"]


def _label_gold(app, count: int = 60) -> int:
    """Label the first `count` mentions of the seed article as "ana"; return how many."""
    db = open_database(app.config["DB"])
    rows = list(
        db.query(
            "select m.id, ac.name from mentions m join actors ac on ac.id = m.actor_id "
            "order by m.id limit ?",
            [count],
        )
    )
    for row in rows:
        record_label(db, "ana", row["id"], STANCE.get(row["name"], "neutral"), LABELS)
    db.close()
    return len(rows)


def test_train_now_runs_the_loop_in_the_worker_and_the_card_names_the_new_model(app):
    _label_gold(app)
    lead = signed_in(app, "lena", "lead")
    assert lead.get("/models").status_code == 200
    response = lead.post("/models/learn")
    assert response.status_code == 303
    again = lead.post("/models/learn", follow_redirects=True).get_data(as_text=True)
    assert "already under way" in again
    db = open_database(app.config["DB"])
    assert db.table("jobs").count_where("kind = 'learn'") == 1
    assert JobQueue(app.config["DB"]).run_pending() == 1
    job = next(db.query("select * from jobs where kind = 'learn'"))
    assert job["status"] == "done", job["message"]
    spec = active_model(db)
    assert spec.startswith("trained:learned-") and "promoted" in job["message"]
    assert "is now the active model" in job["message"]
    db.close()
    page = lead.get("/models").get_data(as_text=True)
    assert '<figure class="learning-curve">' in page and 'class="point active' in page
    assert "(5 folds)" in page
    assert f'<code>{spec}</code> <span class="badge">active</span>' in page
    card = signed_in(app, "bob", "annotator").get("/review").get_data(as_text=True)
    assert f"pre-labels from <code>{spec}</code>" in card


def test_train_now_on_gold_that_cannot_train_says_why_and_queues_nothing(app):
    lead = signed_in(app, "lena", "lead")
    page = lead.post("/models/learn", follow_redirects=True).get_data(as_text=True)
    assert "Not started: no gold labels: nothing to learn yet" in page
    db = open_database(app.config["DB"])
    assert db.table("jobs").count_where("kind = 'learn'") == 0
    db.close()


def test_annotators_cannot_start_learning(app):
    annotator = signed_in(app, "bob", "annotator")
    assert annotator.post("/models/learn").status_code == 403
    assert annotator.get("/models").status_code == 403


def test_leads_get_no_link_to_the_settings_they_cannot_open(app):
    lead = signed_in(app, "lena", "lead")
    assert "/settings" not in lead.get("/models").get_data(as_text=True)
    assert lead.get("/settings").status_code == 403
    admin = signed_in(app, "adam", "admin")
    assert "change it in Settings" in admin.get("/models").get_data(as_text=True)


def test_settings_take_the_learning_fields_and_refuse_bad_values(app):
    admin = signed_in(app, "adam", "admin")
    form = {
        "overlap": "1",
        "hidden_share": "0",
        "learn_every": "50",
        "promotion_margin": "0.02",
        "fair_share": "0.25",
    }
    assert admin.post("/settings", data=form).status_code == 303
    db = open_database(app.config["DB"])
    assert learn_every(db) == 50 and promotion_margin(db) == 0.02 and fair_share(db) == 0.25
    refusals = {
        "learn_every": "Learn every: a whole number",
        "promotion_margin": "Promotion margin:",
        "overlap": "Annotators per sentence:",
        "hidden_share": "Share without pre-labels:",
        "fair_share": "Share in document order:",
    }
    for field, value in (
        ("learn_every", "-1"),
        ("learn_every", "x"),
        ("learn_every", ""),
        ("learn_every", "2.5"),
        ("learn_every", "1_000"),
        ("learn_every", "+5"),
        ("learn_every", "１２"),
        ("learn_every", "NaN"),
        ("promotion_margin", "0.5"),
        ("promotion_margin", "abc"),
        ("promotion_margin", ""),
        ("promotion_margin", "NaN"),
        ("promotion_margin", "sNaN"),
        ("promotion_margin", "0.0004"),  # the page shows three decimals
        ("promotion_margin", "-0"),
        ("promotion_margin", "1e-999999999"),
        ("overlap", "NaN"),
        ("overlap", ""),
        ("hidden_share", "NaN"),
        ("hidden_share", "0.105"),
        ("fair_share", "0.6"),
        ("fair_share", "-0.1"),
        ("fair_share", "0.125"),
        ("fair_share", "NaN"),
    ):
        response = admin.post("/settings", data={**form, field: value})
        assert response.status_code == 400, (field, value)
        page = response.get_data(as_text=True)
        assert page.count('class="field-error"') == 1, (field, value)  # one message, naming it
        assert refusals[field] in page, (field, value)
    assert learn_every(db) == 50 and promotion_margin(db) == 0.02 and fair_share(db) == 0.25
    without_learning = {"overlap": "1", "hidden_share": "0"}  # an older form leaves them alone
    assert admin.post("/settings", data=without_learning).status_code == 303
    assert learn_every(db) == 50 and promotion_margin(db) == 0.02 and fair_share(db) == 0.25
    db.close()


def test_labels_start_a_learning_run_by_themselves_once(app):
    db = open_database(app.config["DB"])
    set_learn_every(db, 2)
    mentions = [
        row["id"]
        for row in db.query("select id from mentions where sentence_id = ? order by start", [FIRST])
    ]
    db.close()
    client = signed_in(app, "ana")
    client.get("/review")
    for mention in mentions[:2]:
        response = client.post(f"/mentions/{mention}/label", data={"label": "favor"}, headers=HX)
        assert response.status_code == 200
    db = open_database(app.config["DB"])
    [job] = db.query("select * from jobs where kind = 'learn'")
    assert "by itself" in job["message"]
    db.close()
