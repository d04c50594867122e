"""The learning loop in a real browser: Train now → the job → promoted → the card says so."""

from annotator.store.database import open_database, project_scheme
from annotator.store.review import record_label

from .test_browser import (  # noqa: F401  (fixtures and the module's marks)
    page,
    problems,
    pytestmark,
    running_worker,
    server,
    sign_in,
)

STANCE = {"Putin": "against", "Vladimir Putin": "against", "Kim": "favor", "Kim Jong Un": "favor"}


def test_train_now_promotes_a_model_and_the_card_names_it(server, page, problems, db_path):  # noqa: F811
    db = open_database(db_path)
    labels = project_scheme(db).label_names
    for row in db.query(
        "select m.id, ac.name from mentions m join actors ac on ac.id = m.actor_id "
        "order by m.id limit 60"
    ):
        record_label(db, "gina", row["id"], STANCE.get(row["name"], labels[2]), labels)
    db.close()
    sign_in(page, f"{server}/models", "ada", db_path)
    page.wait_for_selector("text=Train now")
    page.focus("button:has-text('Train now')")
    page.keyboard.press("Enter")
    page.wait_for_selector(".job.queued")
    with running_worker(db_path):
        page.wait_for_selector(".job.done", timeout=180_000)
    text = page.inner_text(".job")
    assert "promoted" in text and "is now the active model" in text
    page.reload()
    page.wait_for_selector(".learning-curve .point.active")
    spec = page.inner_text("table.trained tr.active code")
    assert spec.startswith("trained:learned-")
    page.goto(f"{server}/review")
    page.wait_for_selector("#review .mention")
    assert spec in page.inner_text(".prelabel-source")
    assert problems == []
