"""Imports in progress: what one writes stays unpublished, hidden from every reader, until a
short transaction publishes it.

A large import would otherwise hold SQLite's write lock for as long as it stores (minutes for
a big labelled file), and every annotator's save would wait for it. Instead the import writes
its new documents, with their sentences, actors and mentions, in short transactions into the
real tables, each document marked with the import's id (`documents.import_id`); a document so
marked is unpublished, and so is everything in it. Every page, command and export reads the
corpus through `published` (or `published_sentence`), so none of them sees those rows. The
last transaction writes what must appear at once (labels, rows added to published
documents), clears the marks and ends the import: all of the file appears together.

One import writes at a time (`import_turn`, an advisory lock on a file beside the database,
released by the system when its process ends). Whoever holds the turn therefore knows that
any other import still recorded was abandoned (its process was killed) and discards it first.
"""

from __future__ import annotations

import fcntl
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlite_utils import Database

from .database import database_path, insert_row, now

# The documents unpublished imports have written (a partial index keeps this lookup small).
_UNPUBLISHED = "select id from documents where import_id is not null"
# Forced onto the sentences' document index: the statistics of a project with one long document
# would otherwise have SQLite scan every sentence for the few of the documents being imported.
_UNPUBLISHED_SENTENCES = (
    "select id from sentences indexed by idx_sentences_document_id_position"
    f" where document_id in ({_UNPUBLISHED})"
)
DISCARD_SENTENCES = 2_000  # deleted per transaction when an import is discarded


def published(document_id: str) -> str:
    """SQL that holds when the document whose id is the column `document_id` is published.

    The one definition every reader of the corpus uses: a document (and its sentences, actors
    and mentions) is published once its import has ended, or if it came in before imports
    were staged at all. It looks the document up by its id (one index search per row), which
    costs the same however much an import has staged. Qualify the column with its table
    (`d.id`, `documents.id`): a bare `id` would name the subquery's own.
    """
    if "." not in document_id:
        raise ValueError(f"qualify {document_id!r} with its table, as in d.id")
    return (
        f"not exists (select 1 from documents staged where staged.id = {document_id}"
        " and staged.import_id is not null)"
    )


def published_sentence(sentence_id: str) -> str:
    """SQL that holds when the sentence whose id is the column `sentence_id` is published: as
    `published`, for queries over every mention that do not join their sentences. It reads
    the staged sentences once per query, which costs nothing while no import runs."""
    return f"{sentence_id} not in ({_UNPUBLISHED_SENTENCES})"


def unpublished_sentence(sentence_id: str) -> str:
    """The opposite of `published_sentence`: cheap to count, since imports are few."""
    return f"{sentence_id} in ({_UNPUBLISHED_SENTENCES})"


def create_import_tables(db: Database) -> None:
    """The imports in progress, and the mark on each document they have not published yet."""
    db.table("imports").create(
        {"id": int, "source": str, "created": str}, pk="id", not_null={"source", "created"}
    )
    db.table("documents").add_column("import_id", int)
    db.execute(
        "create index documents_unpublished on documents (import_id) where import_id is not null"
    )


def begin_import(db: Database, source: str) -> int:
    """Record an import of `source` in progress; return the id its documents are marked with."""
    with db.atomic():
        return insert_row(db, "imports", {"source": source, "created": now()})


def publish_import(db: Database, import_id: int) -> None:
    """Make everything the import wrote visible at once: call it inside the transaction that
    writes the import's last rows. It touches one row per document, so it is quick."""
    db.execute("update documents set import_id = null where import_id = ?", [import_id])
    db.execute("delete from imports where id = ?", [import_id])


def discard_import(db: Database, import_id: int) -> None:
    """Delete everything an unpublished import wrote, a few documents per transaction so that
    annotators' saves go on meanwhile; readers never saw any of it."""
    from .priority import TABLE as PRIORITY  # priority reads the shown pre-label, which reads us

    sizes = db.execute(
        "select d.id, count(s.id) from documents d left join sentences s on s.document_id = d.id"
        " where d.import_id = ? group by d.id",
        [import_id],
    ).fetchall()
    for batch in _batches(sizes, DISCARD_SENTENCES):
        marks = ", ".join("?" for _ in batch)
        with db.atomic():
            for table in (PRIORITY, "mentions"):  # the queue's place of a sentence, its actors
                db.execute(
                    f"delete from {table} where sentence_id in"
                    f" (select id from sentences where document_id in ({marks}))",
                    batch,
                )
            for table, column in (("actors", "document_id"), ("sentences", "document_id")):
                db.execute(f"delete from {table} where {column} in ({marks})", batch)
            db.execute(f"delete from documents where id in ({marks})", batch)
    with db.atomic():
        db.execute("delete from imports where id = ?", [import_id])


def _batches(sizes: list[tuple[str, int]], most: int) -> Iterator[list[str]]:
    """Document ids in runs of about `most` sentences (a larger document alone)."""
    batch, count = [], 0
    for document_id, sentences in sizes:
        if batch and count + sentences > most:
            yield batch
            batch, count = [], 0
        batch.append(document_id)
        count += sentences
    if batch:
        yield batch


def discard_abandoned_imports(db: Database) -> int:
    """Discard every import recorded as in progress; return how many. Only for the holder of
    `import_turn`, to whom any other recorded import is one whose process died."""
    abandoned = [row[0] for row in db.execute("select id from imports order by id")]
    for import_id in abandoned:
        discard_import(db, import_id)
    return len(abandoned)


def lock_path(db: Database) -> Path | None:
    """The file whose lock is the import turn: `annotator.db` has `annotator-import.lock`.
    None for a database in memory (one connection: no one to wait for)."""
    path = database_path(db)
    if not path:
        return None
    path = Path(path)
    return path.with_name(f"{path.stem}-import.lock")


@contextmanager
def import_turn(db: Database, waiting: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold the database's import turn while the block runs, waiting for another import to
    end first (calling `waiting` about once a second meanwhile, which may raise to give up).

    The lock is the system's (`flock`): a killed process releases it, so a turn is never
    held by an import that no longer runs.
    """
    path = lock_path(db)
    if path is None:
        yield
        return
    with path.open("a") as lock:
        while True:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if waiting:
                    waiting()
                time.sleep(1)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
