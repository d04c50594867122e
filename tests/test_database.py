"""Creating, migrating and opening the database."""

import pytest

from annotator.store.database import (
    NotInitialisedError,
    get_setting,
    init_database,
    open_database,
    project_scheme,
)
from annotator.store.schema import MIGRATIONS


def test_init_creates_the_schema_in_wal_mode(tmp_path):
    db = init_database(tmp_path / "sub" / "a.db")
    assert {
        "documents",
        "sentences",
        "actors",
        "mentions",
        "predictions",
        "annotations",
        "reviews",
        "decisions",
        "jobs",
    } <= set(db.table_names())
    assert db.journal_mode == "wal"
    assert project_scheme(db).name == "stance"
    assert not MIGRATIONS.pending(db)


def test_init_is_idempotent_and_keeps_the_scheme(tmp_path):
    path = tmp_path / "a.db"
    first = init_database(path, "sentiment")
    applied = [m.name for m in MIGRATIONS.applied(first)]
    first.close()
    db = init_database(path)
    assert get_setting(db, "scheme") == "sentiment"
    assert [m.name for m in MIGRATIONS.applied(db)] == applied
    assert applied[:2] == ["create_corpus_tables", "create_label_tables"]  # in order
    assert len(applied) == len(set(applied)) and not MIGRATIONS.pending(db)


def test_unknown_scheme_is_refused(tmp_path):
    with pytest.raises(ValueError, match="unknown scheme 'emotion'"):
        init_database(tmp_path / "a.db", "emotion")


def test_open_refuses_a_missing_or_unmigrated_file(tmp_path):
    with pytest.raises(NotInitialisedError, match="run `annotator init` first"):
        open_database(tmp_path / "missing.db")
    (tmp_path / "empty.db").write_bytes(b"")
    with pytest.raises(NotInitialisedError, match="not up to date"):
        open_database(tmp_path / "empty.db")


def test_foreign_keys_are_enforced(db):
    import sqlite3

    with pytest.raises(sqlite3.IntegrityError):
        db.table("sentences").insert(
            {"id": "x", "document_id": "missing", "position": 0, "text": "t", "created": "now"}
        )
