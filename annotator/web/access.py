"""Who may open what: every endpoint but sign-in needs a session and a role.

The role is declared per blueprint here, or per view with `@requires(role)`; an endpoint
with neither is refused to everyone, so a new page is closed until someone decides who it
is for.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

from flask import abort, current_app, redirect, request, url_for
from flask_login import current_user

from annotator.store.users import ADMIN, ANNOTATOR, LEAD

from .htmx import htmx

PUBLIC = {"auth.login", "static"}
BLUEPRINT_ROLES = {
    "auth": ANNOTATOR,  # signing out
    "review": ANNOTATOR,
    "mention_fixes": ANNOTATOR,
    "documents": LEAD,
    "search": LEAD,
    "actors": LEAD,
    "stats": LEAD,
    "evaluation": LEAD,
    "adjudication": LEAD,
    "imports": ADMIN,
    "job_pages": ADMIN,
    "project_settings": ADMIN,
    "users": ADMIN,
}


def requires(role: str):
    """Give one view its own minimum role, overriding its blueprint's."""

    def mark(view):
        view.required_role = role
        return view

    return mark


def required_role(endpoint: str) -> str | None:
    """The role an endpoint needs; None means nobody may open it."""
    view = current_app.view_functions.get(endpoint)
    own = getattr(view, "required_role", None)
    return own or BLUEPRINT_ROLES.get(endpoint.partition(".")[0] if "." in endpoint else "")


def check_access():
    """Before every request: a session for everything but sign-in, then the role."""
    endpoint = request.endpoint
    if endpoint is None or endpoint in PUBLIC:
        return None  # 404s and 405s answer as usual
    if not current_user.is_authenticated:
        target = url_for("auth.login", next=_return_path())
        if htmx:  # a fragment request cannot follow a redirect into the page
            return "", 401, {"HX-Redirect": target}
        return redirect(target, 303)
    needed = required_role(endpoint)
    if needed is None or not current_user.can(needed):
        who = {"lead": "leads and admins", "admin": "admins"}.get(needed, "nobody")
        abort(403, f"This is for {who} only; you are signed in as {current_user.role}.")
    return None


def _return_path() -> str | None:
    """Where to go back after signing in: this page for a GET; for a post (a key pressed on
    a page whose session ended), the page it was pressed on, since the post's own URL
    cannot be opened (`auth._safe_next` checks it stays on this site)."""
    if request.method == "GET":
        return _quoted_full_path()
    page = request.headers.get("HX-Current-URL") or request.referrer
    if not page:
        return None
    parts = urlsplit(page)
    return parts.path + (f"?{parts.query}" if parts.query else "") if parts.path else None


def _quoted_full_path() -> str:
    """This request's path and query as a link back to it. `request.full_path` has the path
    decoded: an id's "?", "#" or "%" in it would become a query, a fragment or an escape."""
    query = request.query_string.decode()
    return quote(request.path) + (f"?{query}" if query else "")


def init_app(app) -> None:
    app.before_request(check_access)
