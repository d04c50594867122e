"""Security headers on every response: a strict content security policy and friends; and
the shapes of request every route may assume.

The pages use no inline script or style (htmx is told not to inject its indicator style and
not to evaluate code), so the policy can allow only this origin's own files. Every form is
sent form-encoded, so a JSON body is refused before a form reads it (WTForms would take its
numbers, lists and nulls for form fields), and an id in a URL is a whole number SQLite can
hold (a larger one is no id: 404, not an overflow).
"""

from __future__ import annotations

from flask import abort, request
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from werkzeug.routing import IntegerConverter

LARGEST_ID = 2**63 - 1  # SQLite's largest integer

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}


def add_security_headers(response):
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response


class SQLiteId(IntegerConverter):
    """`<int:…>` in every route: at most SQLite's largest integer."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", LARGEST_ID)
        super().__init__(url_map, *args, **kwargs)


def refuse_json_bodies():
    if request.method in ("POST", "PUT", "PATCH", "DELETE") and request.is_json:
        abort(415, "Send the form as a form (application/x-www-form-urlencoded).")


def csrf_field() -> Markup:
    """A form's hidden token field, for templates: one definition for every form, without the
    element id WTForms gives its own (a page of many forms would repeat that id)."""
    return Markup('<input name="csrf_token" type="hidden" value="{}">').format(generate_csrf())


def init_app(app) -> None:
    """Call before the blueprints are registered: their routes read the id converter."""
    app.url_map.converters["int"] = SQLiteId
    app.add_template_global(csrf_field)
    app.before_request(refuse_json_bodies)
    app.after_request(add_security_headers)
