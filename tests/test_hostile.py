"""Hostile input: markup shown escaped, security headers, refused files, ids that need quoting."""

import io
import json
import re
from html import unescape

import pytest
from flask import url_for

from annotator.ingest import import_file
from annotator.schemes import get_scheme
from annotator.store import review
from annotator.store.assignments import set_overlap
from annotator.store.flags import flag_sentence

from .conftest import HX, PASSWORD, add_user, signed_in

SCRIPT = "<script>alert('x')</script>"
IMAGE = '<img src=x onerror="alert(1)">'


def test_markup_in_text_actors_and_comments_is_escaped_everywhere(app, db, tmp_path):
    text = f"Angela Merkel said {SCRIPT} to {IMAGE} in Berlin."
    start = text.index("<img")
    record = {
        "id": "evil:0",
        "document_id": "evil",
        "title": f"Title {SCRIPT}",
        "text": text,
        "targets": [
            {"start": start, "end": start + len(IMAGE), "mention": IMAGE, "actor": IMAGE},
        ],
    }
    path = tmp_path / "evil.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    import_file(db, path, "jsonl", get_scheme("stance").label_names)
    mention = next(db.query("select id from mentions where sentence_id = 'evil:0'"))["id"]
    set_overlap(db, 2)
    review.record_label(db, "ben", mention, "favor", ["favor", "against", "neutral"])
    review.record_label(db, "cleo", mention, "against", ["favor", "against", "neutral"])
    flag_sentence(db, "ben", "evil:0", "other", f"comment {SCRIPT}")
    admin = signed_in(app, "ana")
    pages = [
        "/review/evil:0",
        "/documents",
        "/documents/evil",
        "/search?text=Merkel&label=&status=&model=",
        "/flags",
        "/actors",
        "/adjudicate/evil:0",
        "/stats",
        "/users",
    ]
    for url in pages:
        response = admin.get(url)
        html = response.get_data(as_text=True)
        assert response.status_code == 200, url
        assert "<script>alert" not in html and "<img src=x" not in html, url
    review_page = admin.get("/review/evil:0").get_data(as_text=True)
    assert "&lt;script&gt;" in review_page and "&lt;img src=x onerror=" in review_page


def test_security_headers_and_cookie_flags(app):
    client = app.test_client()
    response = client.get("/login")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    signed = signed_in(app, "ana")
    cookie = signed.get_cookie("session")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"
    html = signed.get("/review").get_data(as_text=True)
    assert "<script>" not in html and " style=" not in html  # nothing inline for CSP to allow


def _import_odd_ids(db, tmp_path) -> None:
    guess = {"label": "neutral", "score": 0.8, "model": "stub:first"}
    records = [
        (SENTENCE_ID, "Angela Merkel met Joe Biden in Berlin."),
        (OTHER_ID, "Joe Biden thanked Angela Merkel."),
    ]
    lines = []
    for sentence_id, text in records:
        targets = [
            {"start": text.index(name), "end": text.index(name) + len(name), "prediction": guess}
            for name in ("Angela Merkel", "Joe Biden")
        ]
        line = {"id": sentence_id, "document_id": DOCUMENT_ID, "title": "Odd", "text": text}
        lines.append(json.dumps({**line, "targets": targets}))
    path = tmp_path / "odd.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    import_file(db, path, "jsonl", get_scheme("stance").label_names)


SENTENCE_ID = "a/b?c#d%e f"
OTHER_ID = "über/2 ?%23 "
DOCUMENT_ID = "press/2024?x=1#2%3 y"


def _text(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", "", html))


def _attribute(html: str, pattern: str) -> str:
    """The (unescaped) URL of the first attribute matching `pattern`."""
    match = re.search(pattern, html)
    assert match, pattern
    return unescape(match.group(1))


@pytest.mark.parametrize("headers", [{}, HX])
def test_a_sentence_whose_id_needs_quoting_can_be_reviewed(app, db, tmp_path, headers):
    _import_odd_ids(db, tmp_path)
    client = signed_in(app, "ana")
    with app.test_request_context():
        page_url = url_for("review.sentence", sentence_id=SENTENCE_ID)
    page = client.get(page_url, headers=headers)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Angela Merkel met Joe Biden in Berlin." in _text(html)
    mention = db.execute(
        "select id from mentions where sentence_id = ? order by start", [SENTENCE_ID]
    ).fetchone()[0]

    flag_url = _attribute(html, r'hx-post="([^"]*/flag)"')  # the card's own flag form
    assert client.get(flag_url, headers=headers).status_code == 200
    response = client.post(flag_url, data={"reason": "sarcasm"}, headers=headers)
    assert response.status_code == (200 if headers else 303)
    flags = db.table("flags").count_where("sentence_id = ? and reason = 'sarcasm'", [SENTENCE_ID])
    assert flags == 1

    label_url = _attribute(html, rf'action="([^"]*/mentions/{mention}/label)"')
    response = client.post(label_url, data={"label": "favor", "focus": "1"}, headers=headers)
    if headers:
        assert response.status_code == 200 and response.headers["HX-Push-Url"].startswith(page_url)
    else:
        assert response.status_code == 303 and response.location.startswith(page_url)
        assert client.get(response.location).status_code == 200
    assert db.table("annotations").get((mention, "ana"))["label"] == "favor"

    response = client.post(_attribute(html, r'action="([^"]*/accept)"'), headers=headers)
    assert response.status_code == (200 if headers else 303)
    assert db.table("reviews").get((SENTENCE_ID, "ana"))["status"] == "done"
    labels = db.execute(
        "select a.label from annotations a join mentions m on m.id = a.mention_id"
        " where m.sentence_id = ? order by m.start",
        [SENTENCE_ID],
    ).fetchall()
    assert labels == [("favor",), ("neutral",)]

    with app.test_request_context():
        other_url = url_for("review.sentence", sentence_id=OTHER_ID)
    other = client.get(other_url, headers=headers).get_data(as_text=True)
    assert "Joe Biden thanked Angela Merkel." in _text(other)
    response = client.post(_attribute(other, r'action="([^"]*/skip)"'), headers=headers)
    assert response.status_code == (200 if headers else 303)
    assert db.table("reviews").get((OTHER_ID, "ana"))["status"] == "skipped"

    document = client.get(_attribute(html, r'<a href="([^"]*/documents/[^"]*)"'), headers=headers)
    text = document.get_data(as_text=True)
    assert document.status_code == 200 and "Angela Merkel met Joe Biden in Berlin." in _text(text)
    assert unescape(other_url) in unescape(text)  # its links to review each sentence


HOSTILE_UPLOADS = {
    "nested.jsonl": (
        '{"text": "Vladimir Putin spoke.", "meta": {"a": ' + "[" * 5000 + "]" * 5000 + "}}\n",
        "nested.jsonl, line 1: the JSON is nested too deeply",
    ),
    "surrogate.jsonl": (
        '{"id": "s1", "text": "Vladimir Putin \\ud83d met Joe Biden in Paris."}\n',
        "surrogate.jsonl, line 1: a string holds a lone UTF-16 surrogate",
    ),
}


@pytest.mark.parametrize("headers", [{}, HX])
@pytest.mark.parametrize("name", sorted(HOSTILE_UPLOADS))
def test_a_hostile_upload_is_refused_on_the_form_and_not_kept(client, db, db_path, name, headers):
    from annotator.worker import uploads_dir

    content, message = HOSTILE_UPLOADS[name]
    data = {"file": (io.BytesIO(content.encode()), name)}
    response = client.post(
        "/imports/new", data=data, content_type="multipart/form-data", headers=headers
    )
    assert response.status_code == (200 if headers else 400)
    assert message in response.get_data(as_text=True)
    assert db.table("jobs").count == 0 and list(uploads_dir(db_path).iterdir()) == []


def test_an_upload_that_fails_unexpectedly_is_not_kept(client, db_path, monkeypatch):
    from annotator.worker import uploads_dir

    def broken(*args):
        raise MemoryError

    monkeypatch.setattr("annotator.web.imports.read_records", broken)
    data = {"file": (io.BytesIO(b"Angela Merkel spoke.\n"), "fine.txt")}
    with pytest.raises(MemoryError):
        client.post("/imports/new", data=data, content_type="multipart/form-data")
    assert list(uploads_dir(db_path).iterdir()) == []


def test_signing_in_returns_to_a_page_whose_id_needs_quoting(app, db, tmp_path):
    _import_odd_ids(db, tmp_path)
    add_user(app.config["DB"], "ana")
    client = app.test_client()
    with app.test_request_context():
        page_url = url_for("review.sentence", sentence_id=SENTENCE_ID, focus=1)
    response = client.get(page_url)
    assert response.status_code == 303 and response.location.startswith("/login?next=")
    response = client.post(response.location, data={"username": "ana", "password": PASSWORD})
    assert response.status_code == 303 and response.location == page_url
    assert client.get(response.location).status_code == 200


@pytest.mark.parametrize("body", [{"overlap": "1", "fair_share": 0.3}, [1, 2], "x", 0])
def test_a_json_body_is_refused_before_any_form_reads_it(client, db, body):
    response = client.post("/settings", json=body)
    assert response.status_code == 415
    assert db["settings"].count_where("key = 'fair_share'") == 0


@pytest.mark.parametrize(
    "method, path",
    [
        ("post", "/mentions/100000000000000000000/label"),
        ("post", "/mentions/9223372036854775808/remove"),
        ("get", "/jobs/100000000000000000000"),
        ("post", "/jobs/100000000000000000000/cancel"),
    ],
)
def test_an_id_larger_than_sqlite_holds_is_no_id(client, method, path):
    response = getattr(client, method)(path, data={"label": "favor"})
    assert response.status_code == 404


def test_an_upload_with_a_very_long_name_is_kept_under_a_short_one(client, db_path):
    from annotator.worker import uploads_dir

    name = "a" * 300 + ".txt"
    data = {"file": (io.BytesIO(b"Angela Merkel spoke in Berlin."), name)}
    response = client.post("/imports/new", data=data, content_type="multipart/form-data")
    assert response.status_code < 500, response.get_data(as_text=True)
    stored = [path.name for path in uploads_dir(db_path).iterdir()]
    assert stored and all(len(found) < 255 and found.endswith(".txt") for found in stored)


def test_a_post_without_the_anchoring_share_leaves_it_alone(client, db):
    from annotator.store.anchoring import hidden_share

    assert client.post("/settings", data={"overlap": "1", "hidden_share": "0.1"}).status_code == 303
    assert client.post("/settings", data={"overlap": "1", "fair_share": "0.2"}).status_code == 303
    assert hidden_share(db) == 0.1
