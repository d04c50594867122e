"""Store validated records: one transaction per file, no duplicates on re-import."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlite_utils import Database

from annotator.store import corpus
from annotator.store.adjudication import adjudicate
from annotator.store.database import now
from annotator.store.overall import write_overall
from annotator.store.predictions import prediction_id, save_predictions
from annotator.store.queue import count_sentences_with_actors
from annotator.store.review import DONE, MANUAL
from annotator.store.statistics import refresh_statistics
from annotator.text.sentences import analyse_documents
from annotator.wording import counted

from .readers import InputError, Record, Target, read_records

IMPORTED_TEMPLATE = "imported"
DEFAULT_ANNOTATOR = "imported"


@dataclass
class ImportSummary:
    """What one import added, for the command line and the web page."""

    documents: int = 0
    sentences: int = 0
    mentions: int = 0
    labels: int = 0
    duplicates: int = 0
    # The file's documents, added or already present (an ordered set): what an import job
    # pre-labels.
    document_ids: dict[str, None] = field(default_factory=dict)

    def __str__(self) -> str:
        counts = (
            counted(self.documents, "document"),
            counted(self.sentences, "sentence"),
            counted(self.mentions, "mention"),
            counted(self.labels, "label"),
        )
        return f"{', '.join(counts)} added; {self.duplicates} already present"


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def import_file(
    db: Database,
    path: str | Path,
    fmt: str,
    labels: list[str],
    annotator: str | None = None,
    on_progress: Callable[[int], None] | None = None,
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
    on_progress: Callable[[int], None] | None = None,
) -> ImportSummary:
    """Store records in one transaction, raising InputError (with nothing stored) on a conflict.

    `on_progress(n)` is called as records are analysed; an exception it raises (a cancelled
    job) stops the import before anything is written.
    """
    summary = ImportSummary()
    documents = [r for r in records if r.targets is None]
    # Parse before the transaction so the write lock is held only while storing.
    analysed = []
    for sentences in analyse_documents([r.text for r in documents]):
        analysed.append(sentences)
        if on_progress:
            on_progress(1)
    if on_progress and len(records) > len(documents):
        on_progress(len(records) - len(documents))
    with db.atomic():
        for record, sentences in zip(documents, analysed):
            _store_document(db, record, sentences, source, summary)
        for record in records:
            if record.targets is not None:
                _store_sentence(db, record, source, annotator, summary)
        count_sentences_with_actors(db)
        refresh_statistics(db)
    return summary


def _store_document(db: Database, record: Record, sentences, source: str, summary: ImportSummary):
    digest = text_hash(record.text)
    document_id = record.id or f"doc-{digest[:12]}"
    existing = corpus.get_document(db, document_id)
    if existing is not None and existing["text_hash"] != digest:
        raise InputError(
            source, f"document id {document_id!r} already exists with different text", record.line
        )
    same_text = existing or corpus.find_document_by_hash(db, digest)
    if same_text is not None:
        summary.duplicates += 1
        summary.document_ids[same_text["id"]] = None
        return
    corpus.insert_document(db, document_id, record.title or document_id, digest, record.meta)
    summary.documents += 1
    summary.document_ids[document_id] = None
    sentence_ids = [f"{document_id}:{position}" for position in range(len(sentences))]
    corpus.insert_new_document_sentences(
        db, document_id, [(sid, sentence.text) for sid, sentence in zip(sentence_ids, sentences)]
    )
    summary.sentences += len(sentences)
    mentions = [
        (sentence_id, found.actor, found.kind, found.start, found.end, found.text)
        for sentence_id, sentence in zip(sentence_ids, sentences)
        for found in sentence.mentions
    ]
    corpus.insert_new_document_mentions(db, document_id, mentions)
    summary.mentions += len(mentions)


def _store_sentence(db: Database, record: Record, source: str, annotator: str | None, summary):
    document_id = record.document_id or record.id or f"doc-{text_hash(record.text)[:12]}"
    sentence_id = record.id or f"{document_id}:{text_hash(record.text)[:8]}"
    if corpus.get_document(db, document_id) is None:
        corpus.insert_document(db, document_id, record.title or document_id, None, record.meta)
        summary.documents += 1
    summary.document_ids[document_id] = None
    sentence = corpus.get_sentence(db, sentence_id) or corpus.find_sentence_by_text(
        db, document_id, record.text
    )
    if sentence is None:
        corpus.insert_sentence(db, sentence_id, document_id, record.text)
        summary.sentences += 1
    elif sentence["text"] != record.text:
        raise InputError(
            source, f"sentence id {sentence_id!r} already exists with different text", record.line
        )
    else:
        sentence_id = sentence["id"]
        summary.duplicates += 1
    for target in record.targets:
        who = target.annotator or record.annotator or annotator or DEFAULT_ANNOTATOR
        mention_id = _ensure_mention(db, document_id, sentence_id, target, summary)
        shown = None
        if target.prediction is not None:
            shown = _store_prediction(db, mention_id, target.prediction)
        if target.labels is not None:  # several annotators: each one's label
            for entry in target.labels:
                _store_label(
                    db, mention_id, entry["annotator"], entry["label"], entry["status"], shown
                )
                summary.labels += 1
        elif target.label is not None and not target.adjudicated:
            _store_label(db, mention_id, who, target.label, target.status, shown)
            summary.labels += 1
        if target.adjudicated:
            adjudicate(db, mention_id, target.label, target.annotator)
    if record.overall is not None:
        who = record.overall["annotator"] or record.annotator or annotator or DEFAULT_ANNOTATOR
        write_overall(db, sentence_id, who, record.overall["label"])
    _mark_reviewed(db, sentence_id)


def _ensure_mention(db, document_id: str, sentence_id: str, target: Target, summary) -> int:
    mention = corpus.find_mention(db, sentence_id, target.start, target.end)
    if mention is not None:
        return mention["id"]
    actor_id = corpus.ensure_actor(db, document_id, " ".join(target.actor.split()), None)
    summary.mentions += 1
    return corpus.insert_mention(
        db, sentence_id, actor_id, target.start, target.end, target.mention
    )


def _store_prediction(db: Database, mention_id: int, prediction: dict) -> int:
    """Store a file's pre-label of a mention; return its id (an earlier identical one's)."""
    save_predictions(
        db,
        [
            {
                "mention_id": mention_id,
                "model": prediction["model"],
                "template_version": IMPORTED_TEMPLATE,
                "label": prediction["label"],
                "score": float(prediction["score"]),
                "scores": {prediction["label"]: float(prediction["score"])},
            }
        ],
    )
    return prediction_id(db, mention_id, prediction["model"], IMPORTED_TEMPLATE)


def _store_label(
    db: Database,
    mention_id: int,
    annotator: str,
    label: str,
    status: str | None,
    prediction_id: int | None,
) -> None:
    """Store one annotator's label; one accepted or corrected was given beside the file's
    pre-label of the mention."""
    stamp = now()
    db.table("annotations").upsert(
        {
            "mention_id": mention_id,
            "annotator": annotator,
            "label": label,
            "status": status or MANUAL,
            "prediction_id": prediction_id if status not in (None, MANUAL) else None,
            "created": stamp,
            "updated": stamp,
        },
        pk=("mention_id", "annotator"),
    )


def _mark_reviewed(db: Database, sentence_id: str) -> None:
    """Imported labels that cover every mention of a sentence count as that annotator's review."""
    db.execute(
        """
        insert or replace into reviews (sentence_id, annotator, status, updated)
        select :sentence, a.annotator, :done, :stamp
        from annotations a join mentions m on m.id = a.mention_id
        where m.sentence_id = :sentence
        group by a.annotator
        having count(*) = (select count(*) from mentions where sentence_id = :sentence)
        """,
        {"sentence": sentence_id, "done": DONE, "stamp": now()},
    )
    db.execute(  # a review holds one of the sentence's k places, as in the queue
        """
        insert or ignore into assignments (sentence_id, annotator, created)
        select sentence_id, annotator, updated from reviews where sentence_id = ?
        """,
        [sentence_id],
    )
