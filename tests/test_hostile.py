"""Hostile text is always shown escaped, and every response carries the security headers."""

import json

from annotator.ingest import import_file
from annotator.schemes import get_scheme
from annotator.store import review
from annotator.store.assignments import set_overlap
from annotator.store.flags import flag_sentence

from .conftest import signed_in

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
