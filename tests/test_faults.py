"""Faults: killed imports leave nothing half-stored; backups are consistent while writes go on."""

import json
import os
import signal
import subprocess
import sys
import threading
import time

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.ingest import import_file
from annotator.schemes import get_scheme
from annotator.store.backup import BackupError, backup_database, integrity_problems
from annotator.store.database import connect, init_database
from annotator.store.imports import published, published_sentence

from .conftest import SEED


def sentences_per_document(db_path) -> dict[str, int]:
    db = connect(db_path)
    try:
        rows = db.query(
            "select d.id, count(s.id) as n from documents d"
            f" left join sentences s on s.document_id = d.id where {published('d.id')}"
            " group by d.id"
        )
        return {row["id"]: row["n"] for row in rows}
    finally:
        db.close()


def stored(db) -> dict[str, int]:
    """The rows every reader sees: those of published documents."""
    return {
        "documents": db.table("documents").count_where(published("documents.id")),
        "sentences": db.table("sentences").count_where(published("sentences.document_id")),
        "mentions": db.table("mentions").count_where(published_sentence("sentence_id")),
    }


def stored_rows(db) -> dict[str, int]:
    """Every row, published or not."""
    return {table: db.table(table).count for table in ("documents", "sentences", "mentions")}


def stored_in(db_path) -> dict[str, int]:
    db = connect(db_path)
    try:
        return stored(db)
    finally:
        db.close()


# `annotator import`, stopped at the end of each file's publish transaction: the last
# statement of the transaction runs, then the process writes what its connection holds (the
# file's rows included, published but not committed) to the signal file and waits until the test
# deletes it.
PAUSING_IMPORT = """
import json, sys, time
from pathlib import Path

from annotator.cli import main
from annotator.ingest import load

signal_file = Path(sys.argv[1])
last_statement = load.refresh_statistics


def last_statement_then_wait(db):
    result = last_statement(db)
    held = {t: db.table(t).count for t in ("documents", "sentences", "mentions")}
    held["in_transaction"] = db.conn.in_transaction
    signal_file.with_suffix(".tmp").write_text(json.dumps(held))
    signal_file.with_suffix(".tmp").rename(signal_file)
    while signal_file.exists():
        time.sleep(0.01)
    return result


load.refresh_statistics = last_statement_then_wait
main(sys.argv[2:], prog_name="annotator")
"""


def wait_for_file(path, process, timeout=120) -> dict:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert process.poll() is None, "the import ended without reaching the transaction"
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)
    return json.loads(path.read_text())


def test_kill_9_inside_an_import_transaction_leaves_all_or_nothing(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    seed = SEED.read_text(encoding="utf-8")
    for n in range(5):
        (folder / f"edition-{n}.txt").write_text(f"Edition {n}.\n\n{seed}", encoding="utf-8")
    files = sorted(str(p) for p in folder.iterdir())
    one = init_database(tmp_path / "one.db")
    import_file(one, files[0], "txt", get_scheme("stance").label_names)
    per_file = stored(one)  # every edition has as many sentences and mentions as the first
    one.close()
    assert per_file["documents"] == 1 and per_file["mentions"] > 100

    def files_stored(n: int) -> dict[str, int]:
        return {table: n * count for table, count in per_file.items()}

    db_path = tmp_path / "killed.db"
    init_database(db_path).close()
    script = tmp_path / "pausing_import.py"
    script.write_text(PAUSING_IMPORT, encoding="utf-8")
    held = tmp_path / "held.json"
    command = ["import", "--db", str(db_path), *files]
    # Kill inside the first file's transaction; then, after two files have committed, inside
    # the third's.
    for committed in (0, 2):
        process = subprocess.Popen([sys.executable, str(script), str(held), *command])
        try:
            for _ in range(committed):
                wait_for_file(held, process)
                held.unlink()  # let this file commit
            in_flight = wait_for_file(held, process)
            # The process holds one more file than is committed: it is inside its transaction.
            assert in_flight == {**files_stored(committed + 1), "in_transaction": True}
            assert stored_in(db_path) == files_stored(committed)
        finally:
            process.send_signal(signal.SIGKILL)
            process.wait()
            held.unlink(missing_ok=True)
        assert process.returncode == -signal.SIGKILL
        assert integrity_problems(db_path) == []
        assert stored_in(db_path) == files_stored(committed)  # the file in flight left nothing
        per_document = sentences_per_document(db_path)
        assert sorted(per_document.values()) == [per_file["sentences"]] * committed

    env = {**os.environ, "ANNOTATOR_DB": str(db_path)}
    subprocess.run(
        [sys.executable, "-m", "annotator.cli", "import", *files],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    # Running it again discards the killed import's rows and completes it, nothing twice.
    assert stored_in(db_path) == files_stored(len(files))
    db = connect(db_path)
    assert stored_rows(db) == files_stored(len(files)) and db.table("imports").count == 0
    db.close()
    assert sorted(sentences_per_document(db_path).values()) == [per_file["sentences"]] * len(files)
    db = connect(db_path)
    spans = db.execute(
        "select count(distinct sentence_id || ':' || start || ':' || [end]) from mentions"
    ).fetchone()[0]
    db.close()
    assert spans == len(files) * per_file["mentions"]


def test_backup_while_writing_is_consistent_and_restores(tmp_path):
    db_path = tmp_path / "live.db"
    db = init_database(db_path)
    db.execute("create table ticks (n integer)")
    db.conn.commit()
    db.close()
    stop = threading.Event()

    def write():
        writer = connect(db_path)
        n = 0
        while not stop.is_set():
            with writer.atomic():
                writer.execute("insert into ticks values (?)", [n])
                writer.execute("insert into ticks values (?)", [-n])  # pairs, always
            n += 1
        writer.close()

    def ticks_in(path) -> int:
        reader = connect(path)
        try:
            return reader.execute("select count(*) from ticks").fetchone()[0]
        finally:
            reader.close()

    thread = threading.Thread(target=write)
    thread.start()
    try:
        deadline = time.monotonic() + 60
        while (before := ticks_in(db_path)) < 200:  # the writer is under way
            assert time.monotonic() < deadline
        copy = tmp_path / "copy.db"
        backup_database(db_path, copy)
        deadline = time.monotonic() + 60
        while ticks_in(db_path) <= ticks_in(copy):  # and goes on after the copy
            assert time.monotonic() < deadline
    finally:
        stop.set()
        thread.join()
    assert integrity_problems(copy) == []
    backup = connect(copy)
    ticks = backup.execute("select count(*), sum(n) from ticks").fetchone()
    backup.close()
    assert ticks[0] >= before and ticks[0] % 2 == 0 and ticks[1] == 0  # no half transaction
    with pytest.raises(BackupError, match="already exists"):
        backup_database(db_path, copy)

    runner = CliRunner()
    result = runner.invoke(main, ["restore", "--db", str(db_path), str(copy), "--yes"])
    assert result.exit_code == 0, result.output
    restored = connect(db_path)
    assert restored.execute("select count(*) from ticks").fetchone()[0] == ticks[0]
    restored.close()
    broken = tmp_path / "broken.db"
    broken.write_bytes(b"not a database at all" * 100)
    result = runner.invoke(main, ["restore", "--db", str(db_path), str(broken), "--yes"])
    assert result.exit_code != 0 and "not a SQLite database" in result.output


def test_backup_command(tmp_path, db_path):
    target = tmp_path / "backups" / "a.db"
    target.parent.mkdir()
    result = CliRunner().invoke(main, ["backup", "--db", str(db_path), str(target)])
    assert result.exit_code == 0 and "integrity checked" in result.output
    assert not list(target.parent.glob(".*partial"))
