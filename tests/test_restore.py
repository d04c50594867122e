"""`annotator restore` takes only annotator databases this version can open; others change
nothing."""

import hashlib
import sqlite3

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.store.backup import BackupError, backup_database, restore_database
from annotator.store.database import connect, get_setting, init_database, set_setting
from annotator.store.schema import MIGRATIONS


@pytest.fixture
def live(tmp_path):
    """The database in use, holding one setting a restore would replace."""
    path = tmp_path / "live.db"
    db = init_database(path)
    set_setting(db, "marker", "current data")
    db.conn.commit()
    db.close()
    return path


def fingerprint(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def zero_bytes(path):
    path.write_bytes(b"")


def not_sqlite(path):
    path.write_text("id,text\n1,not a database\n" * 200, encoding="utf-8")


def foreign_sqlite(path):
    conn = sqlite3.connect(path)
    conn.execute("create table t (x)")
    conn.execute("insert into t values (1)")
    conn.commit()
    conn.close()


def newer_schema(path):
    init_database(path).close()
    conn = sqlite3.connect(path)
    conn.execute(
        "insert into _sqlite_migrations (migration_set, name, applied_at)"
        " values ('annotator', 'add_something_from_the_future', '2099-01-01')"
    )
    conn.commit()
    conn.close()


REFUSED = {
    zero_bytes: "an empty file (0 bytes), not an annotator database",
    not_sqlite: "not a SQLite database",
    foreign_sqlite: "a SQLite database, but not an annotator database",
    newer_schema: "written by a newer version of annotator"
    " (unknown migration add_something_from_the_future)",
}


@pytest.mark.parametrize("make", list(REFUSED), ids=lambda make: make.__name__)
def test_restore_refuses_a_file_that_is_not_an_annotator_database(tmp_path, live, make):
    backup = tmp_path / "backup.db"
    make(backup)
    before = fingerprint(live)
    result = CliRunner().invoke(main, ["restore", "--db", str(live), str(backup), "--yes"])
    assert result.exit_code == 1
    assert f"Error: {backup}: {REFUSED[make]}" in result.output
    assert f"{live} is unchanged" in result.output
    assert fingerprint(live) == before
    db = connect(live)
    assert get_setting(db, "marker") == "current data"
    db.close()
    with pytest.raises(BackupError, match=REFUSED[make].split(" (")[0]):
        restore_database(backup, live)


def test_restore_takes_a_backup_of_this_or_an_older_schema(tmp_path, live):
    current = tmp_path / "current.db"
    backup_database(live, current)
    older = tmp_path / "older.db"
    db = connect(older)
    MIGRATIONS.apply(db, stop_before="add_session_version")
    set_setting(db, "marker", "older data")
    db.conn.commit()
    db.close()
    result = CliRunner().invoke(main, ["restore", "--db", str(live), str(older), "--yes"])
    assert result.exit_code == 0, result.output
    assert "run `annotator init` to bring its schema up to date" in result.output
    db = connect(live)
    assert get_setting(db, "marker") == "older data" and MIGRATIONS.pending(db)
    db.close()
    result = CliRunner().invoke(main, ["restore", "--db", str(live), str(current), "--yes"])
    assert result.exit_code == 0, result.output
    db = connect(live)
    assert get_setting(db, "marker") == "current data" and not MIGRATIONS.pending(db)
    db.close()
