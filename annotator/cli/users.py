"""`annotator user`: accounts from the command line (the first admin starts here)."""

from __future__ import annotations

from pathlib import Path

import click

from annotator.store.users import (
    ROLES,
    UserError,
    create_user,
    get_user_by_name,
    list_users,
    set_active,
    set_password,
    set_role,
)

from .options import db_option, open_or_fail

password_option = click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    envvar="ANNOTATOR_PASSWORD",
    help="Asked for when not given (or set ANNOTATOR_PASSWORD for scripts).",
)


@click.group()
def user():
    """Accounts and roles: annotator, lead, admin."""


def _existing(db, username: str) -> dict:
    row = get_user_by_name(db, username)
    if row is None:
        raise click.ClickException(f"no user {username!r}")
    return row


def _apply(action) -> None:
    try:
        action()
    except UserError as error:
        raise click.ClickException(str(error)) from None


@user.command("add")
@db_option
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), default="annotator", show_default=True)
@password_option
def add(db_path: Path, username: str, role: str, password: str):
    """Add an account.

    Example: annotator user add ana --role lead
    """
    db = open_or_fail(db_path)
    _apply(lambda: create_user(db, username, password, role))
    click.echo(f"added {username} ({role})")


@user.command("list")
@db_option
def list_command(db_path: Path):
    """List accounts with their roles.

    Example: annotator user list
    """
    for row in list_users(open_or_fail(db_path)):
        state = "" if row["active"] else "  (switched off)"
        click.echo(f"{row['username']:<24} {row['role']}{state}")


@user.command("role")
@db_option
@click.argument("username")
@click.argument("role", type=click.Choice(ROLES))
def role(db_path: Path, username: str, role: str):
    """Change an account's role.

    Example: annotator user role ana admin
    """
    db = open_or_fail(db_path)
    _apply(lambda: set_role(db, _existing(db, username)["id"], role))
    click.echo(f"{username} is now {role}")


@user.command("password")
@db_option
@click.argument("username")
@password_option
def password(db_path: Path, username: str, password: str):
    """Set a new password (signs the account out everywhere).

    Example: annotator user password ana
    """
    db = open_or_fail(db_path)
    _apply(lambda: set_password(db, _existing(db, username)["id"], password))
    click.echo(f"new password set for {username}")


@user.command("off")
@db_option
@click.argument("username")
def switch_off(db_path: Path, username: str):
    """Switch an account off; its labels stay.

    Example: annotator user off ana
    """
    db = open_or_fail(db_path)
    _apply(lambda: set_active(db, _existing(db, username)["id"], False))
    click.echo(f"{username} is switched off")
