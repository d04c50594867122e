"""Signing in and out: Flask-Login sessions over the users table."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user

from annotator.store.login_limits import forget_failures, reserve_attempt
from annotator.store.users import ANNOTATOR, authenticate, end_sessions, get_user, role_at_least

from .db import get_db
from .forms import ActionForm, LoginForm
from .known_browsers import remember, sign_in_place

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Sign in to continue."


class User(UserMixin):
    """The signed-in account as Flask-Login sees it."""

    def __init__(self, row: dict):
        self.user_id, self.username, self.role = row["id"], row["username"], row["role"]
        self.queue_order = row.get("queue_order")
        # The session names the account's session version: signing out, a password change
        # or switching the account off moves it on, and every older session stops working.
        self._session_id = f"{row['id']}:{row['session_version']}"

    def get_id(self) -> str:
        return self._session_id

    def can(self, role: str) -> bool:
        return role_at_least(self.role, role)


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    user_id, _, version = session_id.partition(":")
    row = get_user(get_db(), int(user_id)) if user_id.isdigit() else None
    if row is None or not row["active"] or str(row["session_version"]) != version:
        return None
    return User(row)


def current_annotator() -> str | None:
    """The username labels are stored under, or None when nobody is signed in."""
    return current_user.username if current_user.is_authenticated else None


def _on_site(path: str) -> bool:
    """Whether a browser would read `path` as a path of this site.

    Browsers drop tabs and newlines inside URLs, strip leading spaces and read a backslash as
    a slash, so a tab between two slashes, or a slash then a backslash, would leave the site.
    """
    if any(ord(c) < 32 or ord(c) == 127 for c in path):
        return False
    before_query = path.split("?", 1)[0].split("#", 1)[0]
    parts = urlsplit(path)
    return (
        path.startswith("/")
        and path[1:2] not in ("/", "\\")
        and "\\" not in before_query
        and not parts.scheme
        and not parts.netloc
    )


def _safe_next(target: str | None) -> str | None:
    """`target` when it is a path on this site in every decoding of it, else None.

    Each decoding is checked because a proxy or browser may decode `%2F` once more.
    """
    seen = target or ""
    while seen:
        if not _on_site(seen):
            return None
        decoded = unquote(seen)
        if decoded == seen:
            return target
        seen = decoded
    return None


def home_for(user: User) -> str:
    """Annotators start in their queue; leads and admins on the documents."""
    if user.can("lead"):
        return url_for("documents.index")
    return url_for("review.next_item")


@bp.get("/")
def home():
    """Everyone's start page: the review queue, or the documents for leads and admins."""
    return redirect(home_for(current_user), 303)


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        username = form.username.data.strip()
        counted_as = username.lower()  # names match regardless of case: so do their limits
        place = sign_in_place(counted_as, request.remote_addr or "?")
        if not reserve_attempt(get_db(), counted_as, place):
            error = "Too many failed sign-ins: wait a few minutes and try again."
            return render_template("login.html", form=form, error=error), 429
        row = authenticate(get_db(), username, form.password.data)
        if row is not None:
            forget_failures(get_db(), counted_as, place)
            user = User(row)
            login_user(user)
            home = _safe_next(request.args.get("next")) or home_for(user)
            return remember(redirect(home, 303), row)
        error = "Unknown username or wrong password."
    status = 400 if (form.errors or error) else 200
    return render_template("login.html", form=form, error=error), status


@bp.post("/logout")
def logout():
    if ActionForm().validate_on_submit():
        end_sessions(get_db(), current_user.user_id)  # a copy of the cookie stops working too
        logout_user()
        flash("Signed out.", "info")
    return redirect(url_for("auth.login"), 303)


def init_app(app) -> None:
    login_manager.init_app(app)
    app.jinja_env.globals["ANNOTATOR_ROLE"] = ANNOTATOR
