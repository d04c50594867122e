"""Store validated records: staged in short transactions, then published all at once.

Finding sentences and actors (spaCy) takes a minute per ~100,000 sentences, and storing them
seconds more (28 s on a busy machine); storing them in one transaction held SQLite's write lock
that long, and every annotator's save waited for it (failing after 30 s). Now an import:

1. analyses its documents outside any transaction;
2. writes the file's new documents, with their sentences, actors and mentions, in
   transactions of about STAGE_SENTENCES sentences each, marked unpublished (see
   `store.imports`): annotators' saves go on between them, and no reader sees any of it;
3. publishes in one short transaction, which writes what would show at once (the file's
   labels, and sentences added to documents already published) and clears the marks.

Readers therefore see all of a file or nothing of it. An error (a conflicting id, a cancelled
job, Ctrl+C) discards what was staged; an import whose process was killed is discarded by the
next import, which then stores the file afresh. Re-importing skips what is already stored.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from sqlite_utils import Database

from annotator.store.actors import person_names
from annotator.store.imported_labels import ImportedLabels, save_imported_labels
from annotator.store.imports import (
    begin_import,
    discard_abandoned_imports,
    discard_import,
    import_turn,
    publish_import,
)
from annotator.store.queue import add_sentences_with_actors, count_sentences_with_actors
from annotator.store.statistics import refresh_statistics
from annotator.text.sentences import FoundSentence, analyse_corpus

from .formats import read_records
from .readers import Record
from .records import (
    ImportSummary,
    StoredSentence,
    adds_to_published,
    store_document,
    store_labels,
    store_sentence,
)

__all__ = ["ImportSummary", "import_file", "import_records"]

# Sentences written per staging transaction: ~20 ms of write lock on a 2-core machine.
STAGE_SENTENCES = 200

Progress = Callable[[int], None] | None


def import_file(
    db: Database,
    path: str | Path,
    fmt: str,
    labels: list[str],
    annotator: str | None = None,
    on_progress: Progress = None,
) -> ImportSummary:
    """Read, validate and store one file; on any error nothing of it is stored."""
    path = Path(path)
    records = read_records(path, fmt, labels)
    return import_records(db, records, str(path), annotator, on_progress)


def import_records(
    db: Database,
    records: list[Record],
    source: str,
    annotator: str | None = None,
    on_progress: Progress = None,
) -> ImportSummary:
    """Store records so that readers see them all at once, raising InputError (with nothing
    stored) on a conflict.

    `on_progress(n)` is called as records are analysed and stored (with 0 while another
    import runs first); an exception it raises (a cancelled job) stops the import, and
    nothing of it is kept.
    """
    summary = ImportSummary()
    documents = [r for r in records if r.targets is None]
    # A generator, run as read; the people the project has named help find them again.
    analysed = analyse_corpus([r.text for r in documents], person_names(db) if documents else ())
    with import_turn(db, (lambda: on_progress(0)) if on_progress else None):
        discard_abandoned_imports(db)
        import_id = begin_import(db, source)
        try:
            with_actors = _stage_documents(
                db, documents, analysed, source, import_id, summary, on_progress
            )
            sentences = [r for r in records if r.targets is not None]
            placed = _stage_sentences(db, sentences, source, import_id, summary, on_progress)
            with db.atomic():
                _publish(db, placed, with_actors, source, annotator, import_id, summary)
        except BaseException:
            analysed.close()  # stops the analysis processes
            discard_import(db, import_id)
            raise
    return summary


def _stage_documents(
    db: Database,
    documents: list[Record],
    analysed: Iterator[list[FoundSentence]],
    source: str,
    import_id: int,
    summary: ImportSummary,
    on_progress: Progress,
) -> set[str]:
    """Store the documents to split, unpublished, as their analysis comes in; return the ids
    of their sentences that mention actors."""
    with_actors: set[str] = set()
    batch: list[tuple[Record, list[FoundSentence]]] = []

    def write_batch() -> None:
        with db.atomic():
            for record, sentences in batch:
                with_actors.update(
                    store_document(db, record, sentences, source, summary, import_id)
                )
        batch.clear()

    for record, sentences in zip(documents, analysed):
        if on_progress:
            on_progress(1)
        batch.append((record, sentences))
        if sum(len(found) for _, found in batch) >= STAGE_SENTENCES:
            write_batch()
    if batch:
        write_batch()
    return with_actors


def _stage_sentences(
    db: Database,
    records: list[Record],
    source: str,
    import_id: int,
    summary: ImportSummary,
    on_progress: Progress,
) -> list[StoredSentence | Record]:
    """Store the sentence records that add only to new documents, unpublished; return, in the
    file's order, each one's stored sentence, or the record itself where it adds to published
    documents and waits for the publish step."""
    placed: list[StoredSentence | Record] = []
    for start in range(0, len(records), STAGE_SENTENCES):
        batch = records[start : start + STAGE_SENTENCES]
        with db.atomic():
            for record in batch:
                if adds_to_published(db, record):
                    placed.append(record)
                else:
                    placed.append(store_sentence(db, record, source, summary, import_id))
        if on_progress:
            on_progress(len(batch))
    return placed


def _publish(
    db: Database,
    placed: list[StoredSentence | Record],
    with_actors: set[str],
    source: str,
    annotator: str | None,
    import_id: int,
    summary: ImportSummary,
) -> None:
    """The import's last transaction: everything it staged made visible, then its labels and
    additions to published documents, with the kept counts and statistics brought up to date."""
    waiting = [item for item in placed if isinstance(item, Record)]
    if not waiting:  # only the staged sentences are new: add them to the kept count
        with_actors.update(i.sentence_id for i in placed if i.mention_ids)
        add_sentences_with_actors(db, len(with_actors))
    publish_import(db, import_id)
    labels = ImportedLabels()
    for item in placed:
        if isinstance(item, Record):
            item = store_sentence(db, item, source, summary, None)
        store_labels(db, item, annotator, summary, labels)
    summary.labels = save_imported_labels(db, labels)
    if waiting:  # mentions may have been added to published sentences: count them all again
        count_sentences_with_actors(db)
    refresh_statistics(db)
