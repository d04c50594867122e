"""Managing accounts in the browser: add users, change roles, reset passwords, switch off."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for

from annotator.store.users import (
    UserError,
    create_user,
    get_user,
    list_users,
    set_active,
    set_password,
    set_role,
)

from .db import get_db
from .forms import UserChangeForm, UserForm

bp = Blueprint("users", __name__)


def _page(form: UserForm, status: int = 200, error: str | None = None):
    users = list_users(get_db())
    changes = {
        user["id"]: UserChangeForm(
            prefix=f"u{user['id']}", role=user["role"], active=user["active"]
        )
        for user in users
    }
    context = {"users": users, "form": form, "changes": changes, "error": error}
    return render_template("users.html", **context), status


@bp.get("/users")
def index():
    return _page(UserForm())


@bp.post("/users")
def add():
    form = UserForm()
    if not form.validate_on_submit():
        return _page(form, 400)
    db = get_db()
    try:
        with db.atomic():
            create_user(db, form.username.data, form.password.data, form.role.data)
    except UserError as error:
        return _page(form, 400, str(error))
    flash(f"Added {form.username.data} ({form.role.data}).", "info")
    return redirect(url_for("users.index"), 303)


@bp.post("/users/<int:user_id>")
def change(user_id: int):
    db = get_db()
    user = get_user(db, user_id)
    if user is None:
        abort(404, f"No user with id {user_id}.")
    form = UserChangeForm(prefix=f"u{user_id}")
    if not form.validate_on_submit():
        return _page(
            UserForm(formdata=None),
            400,
            "; ".join(f"{name}: {' '.join(messages)}" for name, messages in form.errors.items()),
        )
    try:
        with db.atomic():
            set_role(db, user_id, form.role.data)
            set_active(db, user_id, form.active.data)
            if form.password.data:
                set_password(db, user_id, form.password.data)
    except UserError as error:
        return _page(UserForm(formdata=None), 400, str(error))
    flash(f"Saved {user['username']}.", "info")
    return redirect(url_for("users.index"), 303)
