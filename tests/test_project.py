"""The Python API: `from annotator import Project` gives the exports' data, imports, model runs
and agreement, without loading a web framework."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest

from annotator import Project
from annotator.exporting import write_export
from annotator.ingest import InputError
from annotator.store import assignments
from annotator.store.database import init_database

from .conftest import SEED, write
from .test_export_formats import two_people  # noqa: F401  (a fixture)


def test_importing_the_api_loads_no_web_framework():
    code = (
        "import sys; from annotator import Project; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'flask', 'werkzeug', 'wtforms', 'flask_wtf', 'flask_login'}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_gold_and_rows_are_the_exports(two_people, db_path):  # noqa: F811
    with Project(db_path) as project:
        records = list(project.gold())
        gold_rows = list(project.rows(only="gold"))
    buffer = io.StringIO()
    write_export(two_people, buffer)
    assert records == [json.loads(line) for line in buffer.getvalue().splitlines()]
    buffer = io.StringIO()
    write_export(two_people, buffer, "csv", "gold")
    expected = list(csv.DictReader(io.StringIO(buffer.getvalue(), newline="")))
    as_text = [{k: "" if v is None else str(v) for k, v in row.items()} for row in gold_rows]
    assert as_text == expected and gold_rows


def test_to_pandas_gives_one_row_per_sentence_and_actor(two_people, db_path):  # noqa: F811
    pandas = pytest.importorskip("pandas")
    with Project(db_path) as project:
        frame = project.to_pandas()
        assert isinstance(frame, pandas.DataFrame)
        assert len(frame) == len(list(project.rows()))
        assert frame["label"].notna().sum() == len(list(project.rows(only="gold")))
        with pytest.raises(ValueError, match="unknown selection"):
            project.to_pandas(only="some")


def test_import_predict_and_agreement(db_path, tmp_path):
    init_database(db_path).close()
    with Project(db_path) as project:
        summary = project.import_file(SEED)
        assert summary.sentences > 40
        with pytest.raises(InputError, match="line 1"):
            project.import_file(write(tmp_path / "bad.jsonl", "{not json\n"), "jsonl")
        assert project.predict(model="embedding") > 0
        assert project.predict(model="embedding") == 0  # only what has no prediction yet
        assert project.predict() == 0  # the active model: the one that ran first
        assignments.set_overlap(project.db, 2)
        report = project.agreement()
        assert set(report) and all("items" in figures for figures in report.values())


def test_a_file_that_is_not_a_project_is_named(tmp_path):
    from annotator.store.database import NotInitialisedError

    other = tmp_path / "notes.db"
    other.write_text("not a database at all, just some notes" * 100, encoding="utf-8")
    with pytest.raises(NotInitialisedError, match="notes.db: not a project database"):
        Project(other)
    with pytest.raises(NotInitialisedError, match="notes.db: not a project database"):
        init_database(other, "stance")


def test_another_programs_sqlite_file_is_left_alone(tmp_path):
    import sqlite3

    from annotator.store.database import NotInitialisedError

    path = tmp_path / "photos.db"
    with sqlite3.connect(path) as conn:
        conn.execute("create table photos (id integer primary key, name text)")
    with pytest.raises(NotInitialisedError, match="photos.db: not a project database"):
        Project(path)
    with pytest.raises(NotInitialisedError, match="another program's database"):
        init_database(path, "stance")
    with sqlite3.connect(path) as conn:
        tables = [
            row[0] for row in conn.execute("select name from sqlite_master where type='table'")
        ]
    assert tables == ["photos"]
