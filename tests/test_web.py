"""Every web action, as a plain form post and as an htmx request, checked against the database."""

import io
import json
import re

import pytest

from annotator import create_app
from annotator.store.queue import next_sentence_id
from annotator.store.users import get_user_by_name
from annotator.web.access import requires

from .conftest import FIRST, HX, PASSWORD, signed_in


def annotations(db, sentence_id=FIRST):
    rows = db.query(
        """select m.start, a.label, a.status from mentions m
           left join annotations a on a.mention_id = m.id and a.annotator = 'ana'
           where m.sentence_id = ? order by m.start""",
        [sentence_id],
    )
    return [(r["label"], r["status"]) for r in rows]


def first_mention(db, sentence_id=FIRST):
    return next(
        db.query("select id from mentions where sentence_id = ? order by start", [sentence_id])
    )["id"]


def test_review_page_shows_sentence_actors_prelabels_and_legend(client):
    html = client.get("/review").get_data(as_text=True)
    assert "Russian President" in html and 'data-mention="' in html
    assert "Vladimir Putin" in html and "pre-label" in html and "0.90" in html
    assert 'data-key="Enter a"' in html and "accept the rest" in html
    assert "0</strong> / 43" in html


def test_label_plain_redirects_and_stores(client, db):
    mention = first_mention(db)
    response = client.post(f"/mentions/{mention}/label", data={"label": "against", "focus": 1})
    assert response.status_code == 303
    assert response.location.endswith(f"/review/{FIRST}?focus=1")
    assert annotations(db)[0] == ("against", "corrected")


def test_label_htmx_returns_the_partial_with_progress(client, db):
    mention = first_mention(db)
    response = client.post(
        f"/mentions/{mention}/label", data={"label": "favor", "focus": 1}, headers=HX
    )
    html = response.get_data(as_text=True).lstrip()
    assert response.status_code == 200 and html.startswith('<section id="review"')
    assert 'id="progress" class="progress" hx-swap-oob="true"' in html
    assert response.headers["HX-Push-Url"] == f"/review/{FIRST}"
    assert "<html" not in html
    assert annotations(db)[0] == ("favor", "accepted")
    assert re.search(r'id="mention-\d+"[^>]*data-current autofocus', html)


def test_label_outside_the_scheme_is_rejected(client, db):
    response = client.post(f"/mentions/{first_mention(db)}/label", data={"label": "happy"})
    assert response.status_code == 400 and db.table("annotations").count == 0
    gone = client.post("/mentions/99999/label", data={"label": "favor"})
    assert gone.status_code == 404 and gone.mimetype == "text/html"  # a page of the app
    assert "no mention with id 99999" in gone.get_data(as_text=True)
    assert "reload the page" in gone.get_data(as_text=True)  # what to do about it


def test_a_key_on_a_mention_removed_meanwhile_refreshes_the_card_it_was_pressed_on(client, db):
    """htmx: the card the key was pressed on comes back as it is now, the reason above it,
    instead of a line saying to reload while the stale card stays."""
    second = db.execute(
        "select sentence_id from mentions where sentence_id != ? order by id", [FIRST]
    ).fetchone()[0]
    shown = {**HX, "HX-Current-URL": f"http://localhost/review/{second}?focus=0"}
    gone = client.post("/mentions/99999/label", data={"label": "favor"}, headers=shown)
    html = gone.get_data(as_text=True)
    assert gone.status_code == 200 and html.lstrip().startswith('<section id="review"')
    assert "no mention with id 99999" in html and "as it is now" in html
    assert gone.headers["HX-Push-Url"] == f"/review/{second}"
    assert db.table("annotations").count == 0
    # a page that is no review card (or another site's URL): the next sentence of the queue
    elsewhere = {**HX, "HX-Current-URL": "http://localhost/documents"}
    html = client.post("/mentions/99999/label", data={"label": "favor"}, headers=elsewhere)
    assert html.headers["HX-Push-Url"] == f"/review/{FIRST}"


@pytest.mark.parametrize("headers", [{}, HX])
def test_accept_moves_on_and_stores_every_label(client, db, headers):
    response = client.post(f"/sentences/{FIRST}/accept", headers=headers)
    assert all(item == ("favor", "accepted") for item in annotations(db))
    if headers:
        assert response.status_code == 200
        assert response.headers["HX-Push-Url"] != f"/review/{FIRST}"
        assert "1</strong> / 43" in response.get_data(as_text=True)
    else:
        assert response.status_code == 303 and FIRST not in response.location


@pytest.mark.parametrize("headers", [{}, HX])
def test_skip_sends_the_sentence_to_the_end(client, db, headers):
    response = client.post(f"/sentences/{FIRST}/skip", headers=headers)
    [row] = db.table("reviews").rows
    assert row["status"] == "skipped" and row["sentence_id"] == FIRST
    following = next_sentence_id(db, "ana", "document")
    assert following not in (None, FIRST)
    if headers:
        assert response.status_code == 200
        assert response.get_data(as_text=True).lstrip().startswith('<section id="review"')
        assert response.headers["HX-Push-Url"] == f"/review/{following}"
    else:
        assert response.status_code == 303
        assert response.location == f"/review/{following}"  # focus: its first open actor
    assert (
        FIRST not in client.get("/review").get_data(as_text=True).split("sentence-text")[0][-300:]
    )


@pytest.mark.parametrize("headers", [{}, HX])
def test_undo_reverses_the_last_decision(client, db, headers):
    client.post(f"/mentions/{first_mention(db)}/label", data={"label": "against"})
    client.post(f"/sentences/{FIRST}/accept")
    response = client.post("/review/undo", headers=headers)
    assert annotations(db)[0] == ("against", "corrected")
    assert all(label is None for label, _ in annotations(db)[1:])
    assert db.table("reviews").count == 0
    if headers:
        assert response.headers["HX-Push-Url"] == f"/review/{FIRST}"
    else:
        # focus on the first actor the accept gave a pre-label to
        assert response.status_code == 303 and response.location.endswith(
            f"/review/{FIRST}?focus=1"
        )


def test_undo_with_nothing_to_undo_says_so_without_an_error(client):
    for headers in (HX, {}):
        response = client.post("/review/undo", headers=headers)
        html = response.get_data(as_text=True)
        assert response.status_code == 200
        assert re.search(r'class="flash info" role="status">Nothing to undo', html)
        assert 'class="flash error" role="alert">Nothing' not in html


@pytest.mark.parametrize("path", ["/review/undo", "/review/order"])
def test_opening_a_post_only_review_path_is_405_not_a_missing_sentence(client, path):
    response = client.get(path)
    assert response.status_code == 405 and response.headers["Allow"] == "POST"


def test_unknown_sentence_is_404(client):
    assert client.get("/review/no-such-sentence").status_code == 404
    assert client.post("/sentences/nope/skip").status_code == 404
    assert client.get("/documents/nope").status_code == 404


def test_document_page_lists_sentences_with_labels(client, db):
    client.post(f"/sentences/{FIRST}/accept")
    html = client.get("/documents/putin-visits-north-korea-and-vietnam").get_data(as_text=True)
    assert html.count('<li id="s') == 48
    assert "accepted by ana" in html and "unreviewed" in html


def test_index_lists_documents(client):
    html = client.get("/documents").get_data(as_text=True)
    assert "putin-visits-north-korea-and-vietnam" in html and ">48<" in html


def test_export_download(client):
    response = client.get("/export.jsonl")
    lines = response.get_data(as_text=True).splitlines()
    assert response.mimetype == "application/x-ndjson" and len(lines) == 48
    assert json.loads(lines[0])["id"] == FIRST


def test_upload_import_and_its_errors(client, db):
    data = {"file": (io.BytesIO(b'{"text": "Merkel spoke."}\n{broken\n'), "bad.jsonl")}
    response = client.post("/imports/new", data=data, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "bad.jsonl, line 2: not valid JSON" in html
    assert db.table("documents").count == 1

    response = client.post("/imports/new", data={"text": "  "})
    assert response.status_code == 400 and "Paste some text or choose a file" in response.get_data(
        as_text=True
    )

    data = {"file": (io.BytesIO(b"x"), "evil.exe")}
    response = client.post("/imports/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 400 and "Upload .txt, .jsonl" in response.get_data(as_text=True)


def test_htmx_import_errors_come_back_as_a_swappable_partial(client):
    response = client.post("/imports/new", data={"text": ""}, headers=HX)
    html = response.get_data(as_text=True).lstrip()
    assert response.status_code == 200 and html.startswith('<form id="import-form"')


def test_vary_header(client):
    assert "HX-Request" in client.get("/review").headers["Vary"]


def test_upload_over_the_size_limit_is_refused_clearly(app, client, db):
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    data = {"file": (io.BytesIO(b"Merkel spoke. " * 100_000), "big.txt")}
    response = client.post("/imports/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 413
    assert "larger than the 1 MiB limit" in response.get_data(as_text=True)
    assert db.table("documents").count == 1
    # elsewhere an oversized post gets its own page (or message), never the import form
    big = {"overlap": "1" * 2_000_000}
    elsewhere = client.post("/settings", data=big)
    page = elsewhere.get_data(as_text=True)
    assert elsewhere.status_code == 413 and "larger than the 1 MiB limit" in page
    assert "import-form" not in page
    fragment = client.post("/review/undo", data=big, headers=HX)
    assert fragment.status_code == 413 and "import-form" not in fragment.get_data(as_text=True)


def test_model_report_compares_each_model_with_gold(client, db):
    html = client.get("/models").get_data(as_text=True)
    assert "No gold labels with predictions yet" in html
    client.post(f"/mentions/{first_mention(db)}/label", data={"label": "against"})
    client.post(f"/sentences/{FIRST}/accept")
    html = client.get("/models").get_data(as_text=True)
    assert "stub:first" in html and "macro-F1" in html
    # Sentence 1: one actor corrected to against, the others accepted as favor.
    n = len(annotations(db))
    assert f"<strong>{n}</strong> gold labels" in html
    assert 'title="1 of 1 gold against predicted favor"' in html


@pytest.mark.parametrize("headers", [{}, HX])
def test_queue_order_is_kept_with_the_account(app, client, db, headers):
    response = client.post("/review/order", data={"order": "uncertainty"}, headers=headers)
    assert get_user_by_name(db, "ana")["queue_order"] == "uncertainty"
    first_uncertain = next_sentence_id(db, "ana", "uncertainty")
    if headers:
        assert response.status_code == 200
        assert response.headers["HX-Push-Url"] == f"/review/{first_uncertain}"
        assert '<option selected value="uncertainty">' in response.get_data(as_text=True)
    else:
        assert response.status_code == 303
        assert response.location == f"/review/{first_uncertain}"
    assert client.post("/review/order", data={"order": "random"}).status_code == 400
    html = client.get("/review").get_data(as_text=True)
    assert '<option selected value="uncertainty">' in html
    # signed in again (another browser): still the chosen order; another account: the default
    html = signed_in(app, "ana").get("/review").get_data(as_text=True)
    assert '<option selected value="uncertainty">' in html
    html = signed_in(app, "bob").get("/review").get_data(as_text=True)
    assert '<option selected value="document">' in html


def test_labelling_the_last_actor_loads_the_next_sentence(client, db):
    last = next(
        db.query("select id from mentions where sentence_id = ? order by start desc", [FIRST])
    )["id"]
    response = client.post(f"/mentions/{last}/label", data={"label": "neutral"}, headers=HX)
    assert response.headers["HX-Push-Url"] != f"/review/{FIRST}"
    assert "1</strong> / 43" in response.get_data(as_text=True)
    assert db.table("reviews").count == 1


def test_outdated_or_failing_database_gets_a_clear_page(tmp_path, db_path):
    import sqlite3

    config = {"DB": str(tmp_path / "none.db"), "SECRET_KEY": "x", "WTF_CSRF_ENABLED": False}
    missing = create_app(config).test_client()
    response = missing.post("/login", data={"username": "ana", "password": PASSWORD})
    assert response.status_code == 503
    assert "run `annotator init` first" in response.get_data(as_text=True)

    app = create_app({"DB": str(db_path), "SECRET_KEY": "x", "WTF_CSRF_ENABLED": False})
    causes = {
        "readonly": "attempt to write a readonly database",
        "full": "database or disk is full",
        "locked": "database is locked",
    }

    @requires("annotator")
    def fail(cause):
        raise sqlite3.OperationalError(causes[cause])

    app.add_url_rule("/fail/<cause>", view_func=fail)
    client = signed_in(app, "ana")
    for cause, words in [("readonly", "read-only"), ("full", "disk"), ("locked", "busy")]:
        response = client.get(f"/fail/{cause}")
        assert response.status_code == 503 and words in response.get_data(as_text=True)


def test_a_card_opened_again_focuses_the_first_actor_not_yet_labelled(client, db):
    """A reload, or the card after a flag, goes on where the work is, not at the first actor."""
    mentions = [
        m["id"]
        for m in db.query("select id from mentions where sentence_id = ? order by start", [FIRST])
    ]
    assert len(mentions) >= 2
    client.post(f"/mentions/{mentions[0]}/label", data={"label": "against"})
    card = client.get(f"/review/{FIRST}").get_data(as_text=True)
    assert re.search(rf'id="mention-{mentions[1]}"[^>]*\s+data-current autofocus', card)
    client.post(f"/sentences/{FIRST}/flag", data={"reason": "sarcasm", "comment": ""})
    card = client.get(f"/review/{FIRST}").get_data(as_text=True)
    assert re.search(rf'id="mention-{mentions[1]}"[^>]*\s+data-current autofocus', card)
    card = client.get(f"/review/{FIRST}?focus=0").get_data(as_text=True)  # asked for: given
    assert re.search(rf'id="mention-{mentions[0]}"[^>]*\s+data-current autofocus', card)
