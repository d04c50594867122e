"""Faults: killed imports leave nothing half-stored; backups are consistent while writes go on."""

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

from .conftest import SEED


def sentences_per_document(db_path) -> dict[str, int]:
    db = connect(db_path)
    try:
        rows = db.query(
            "select d.id, count(s.id) as n from documents d"
            " left join sentences s on s.document_id = d.id group by d.id"
        )
        return {row["id"]: row["n"] for row in rows}
    finally:
        db.close()


def test_kill_9_during_an_import_leaves_all_or_nothing(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    seed = SEED.read_text(encoding="utf-8")
    for n in range(12):
        (folder / f"edition-{n}.txt").write_text(f"Edition {n}.\n\n{seed}", encoding="utf-8")
    files = sorted(str(p) for p in folder.iterdir())
    one = tmp_path / "one.db"
    import_file(init_database(one), files[0], "txt", get_scheme("stance").label_names)
    [expected] = sentences_per_document(one).values()

    db_path = tmp_path / "killed.db"
    init_database(db_path).close()
    env = {**os.environ, "ANNOTATOR_DB": str(db_path)}
    command = [sys.executable, "-m", "annotator.cli", "import", *files]
    for delay in (3.0, 5.0):  # different moments of the same import
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert integrity_problems(db_path) == []
        # Each file is one transaction: a document is there with all its sentences, or not.
        assert set(sentences_per_document(db_path).values()) <= {expected}
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
    found = sentences_per_document(db_path)  # running it again completes it, nothing twice
    assert len(found) == len(files) and set(found.values()) == {expected}


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

    thread = threading.Thread(target=write)
    thread.start()
    try:
        time.sleep(0.3)
        copy = tmp_path / "copy.db"
        backup_database(db_path, copy)
    finally:
        stop.set()
        thread.join()
    assert integrity_problems(copy) == []
    backup = connect(copy)
    ticks = backup.execute("select count(*), sum(n) from ticks").fetchone()
    backup.close()
    assert ticks[0] > 0 and ticks[0] % 2 == 0 and ticks[1] == 0  # no half transaction
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
