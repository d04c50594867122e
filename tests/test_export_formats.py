"""Export formats: CSV has one row per (sentence, actor) agreeing with the JSONL export, every
annotator's label packed in one column; `--only` keeps all, the reviewed or the gold targets."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from annotator.cli import main as cli
from annotator.exporting import export_to_file, write_export
from annotator.ingest import import_file
from annotator.prelabel import prelabel
from annotator.store import assignments, queue, review
from annotator.store.exports import TARGET_COLUMNS as COLUMNS

from .conftest import SEED, write
from .test_export import STANCE


def exported(db, format: str = "jsonl", only: str = "all") -> str:
    buffer = io.StringIO()
    write_export(db, buffer, format, only)
    return buffer.getvalue()


def csv_rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


@pytest.fixture
def two_people(db, stub_model):
    """The seed, k = 2: ana and ben accept the same first sentences, disagreeing on one actor."""
    import_file(db, SEED, "auto", STANCE.label_names)
    prelabel(db, stub_model, STANCE)
    assignments.set_overlap(db, 2)
    for person, label in (("ana", "against"), ("ben", "neutral")):
        for _ in range(3):
            sentence_id = queue.next_sentence_id(db, person)
            first = next(
                db.query(
                    "select id from mentions where sentence_id = ? order by start", [sentence_id]
                )
            )
            review.record_label(db, person, first["id"], label, STANCE.label_names)
            review.accept_sentence(db, person, sentence_id)
    return db


def test_csv_has_a_row_for_each_target_of_the_jsonl_export(two_people):
    records = [json.loads(line) for line in exported(two_people).splitlines()]
    rows = csv_rows(exported(two_people, "csv"))
    assert tuple(rows[0]) == COLUMNS
    targets = [(r["id"], t) for r in records for t in r["targets"]]
    assert len(rows) == len(targets)
    for row, (sentence_id, target) in zip(rows, targets):
        assert row["sentence_id"] == sentence_id
        assert (row["actor"], row["mention"]) == (target["actor"], target["mention"])
        assert (int(row["start"]), int(row["end"])) == (target["start"], target["end"])
        assert row["label"] == (target["label"] or "")
        assert row["status"] == target["status"]
        assert row["prediction"] == target["prediction"]["label"]
        assert float(row["score"]) == target["prediction"]["score"]
        assert row["text"][int(row["start"]) : int(row["end"])] == row["mention"]


def test_every_annotators_label_is_packed_in_one_column(two_people):
    rows = csv_rows(exported(two_people, "csv", "reviewed"))
    disputed = [row for row in rows if "ben:" in row["labels"] and "ana:" in row["labels"]]
    assert disputed, rows
    assert {row["labels"] for row in disputed} >= {"ana:against|ben:neutral"}
    # the two disagree on each sentence's first actor: no gold there
    assert all(row["label"] == "" for row in disputed if "against" in row["labels"])


def test_only_keeps_all_the_reviewed_or_the_gold_targets(two_people):
    counts = {
        only: len(csv_rows(exported(two_people, "csv", only)))
        for only in ("all", "reviewed", "gold")
    }
    assert counts["all"] > counts["reviewed"] > counts["gold"] > 0
    gold = csv_rows(exported(two_people, "csv", "gold"))
    assert all(row["label"] for row in gold)
    reviewed = [json.loads(line) for line in exported(two_people, "jsonl", "reviewed").splitlines()]
    assert len(reviewed) == 3  # the three sentences both accepted
    assert all(t["status"] != "unreviewed" for r in reviewed for t in r["targets"])
    assert exported(two_people, "jsonl", "all") == exported(two_people)


def test_text_with_quotes_commas_and_line_breaks_survives_csv(db, tmp_path):
    text = 'Angela Merkel said "no, never"; Olaf\u2028Scholz, too.'
    record = {
        "text": text,
        "targets": [
            {
                "actor": "Angela Merkel",
                "mention": "Angela Merkel",
                "start": 0,
                "end": 13,
                "label": "against",
                "status": "manual",
                "annotator": "ana",
                "prediction": None,
            }
        ],
    }
    import_file(
        db, write(tmp_path / "odd.jsonl", json.dumps(record) + "\n"), "jsonl", STANCE.label_names
    )
    [row] = csv_rows(exported(db, "csv"))
    assert row["text"] == text
    assert (row["label"], row["labels"], row["prediction"], row["score"]) == (
        "against",
        "ana:against",
        "",
        "",
    )


def test_a_failed_export_leaves_no_file_and_keeps_the_earlier_one(
    two_people, tmp_path, monkeypatch
):
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "gold.csv"
    target.write_text("earlier", encoding="utf-8")

    def broken(db):
        yield ("x",) * len(COLUMNS)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("annotator.exporting.files.iter_export_targets", broken)
    with pytest.raises(OSError):
        export_to_file(two_people, target, "csv")
    assert target.read_text(encoding="utf-8") == "earlier"
    assert [p.name for p in folder.iterdir()] == ["gold.csv"]


def test_the_cli_writes_csv_and_refuses_an_unknown_format(two_people, db_path, tmp_path):
    runner = CliRunner()
    out = tmp_path / "gold.csv"
    result = runner.invoke(
        cli, ["export", "--db", str(db_path), "--format", "csv", "--only", "gold", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "rows to" in result.output
    assert csv_rows(out.read_text(encoding="utf-8"))
    result = runner.invoke(cli, ["export", "--db", str(db_path), "--format", "xml"])
    assert result.exit_code == 2 and "xml" in result.output
    result = runner.invoke(cli, ["export", "--db", str(db_path), "--only", "some"])
    assert result.exit_code == 2 and "some" in result.output


def test_parquet_holds_the_csv_rows_typed(two_people, tmp_path):
    parquet = pytest.importorskip("pyarrow.parquet")
    path = tmp_path / "gold.parquet"
    (count,) = export_to_file(two_people, path, "parquet", "reviewed").values()
    table = parquet.read_table(path)
    assert table.num_rows == count == len(csv_rows(exported(two_people, "csv", "reviewed")))
    assert table.column_names == list(COLUMNS)
    types = {field.name: str(field.type) for field in table.schema}
    assert (types["start"], types["end"], types["score"], types["label"]) == (
        "int64",
        "int64",
        "double",
        "string",
    )
    first = table.slice(0, 1).to_pylist()[0]
    row = csv_rows(exported(two_people, "csv", "reviewed"))[0]
    assert {k: "" if v is None else str(v) for k, v in first.items()} == row


def test_an_empty_parquet_export_still_has_its_columns(db, tmp_path):
    parquet = pytest.importorskip("pyarrow.parquet")
    path = tmp_path / "empty.parquet"
    assert export_to_file(db, path, "parquet") == {None: 0}
    assert parquet.read_table(path).column_names == list(COLUMNS)


def test_parquet_goes_to_a_file_only(two_people, db_path):
    result = CliRunner().invoke(cli, ["export", "--db", str(db_path), "--format", "parquet"])
    assert result.exit_code == 2 and "-o PATH" in result.output
