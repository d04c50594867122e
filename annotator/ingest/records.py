"""What one record adds: a document's sentences and actors, or one sentence with its targets,
and the labels that sentence carries.

Documents come in unpublished while their import runs (see `store.imports`); the caller says
which import they belong to and when labels are written.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass, field

from sqlite_utils import Database

from annotator.store import corpus
from annotator.store.adjudication import adjudicate
from annotator.store.imported_labels import ImportedLabels
from annotator.store.overall import write_overall
from annotator.store.predictions import prediction_id, save_predictions
from annotator.text.sentences import FoundSentence
from annotator.wording import counted

from .readers import InputError, Record, Target

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


def store_document(
    db: Database,
    record: Record,
    sentences: list[FoundSentence],
    source: str,
    summary: ImportSummary,
    import_id: int | None,
) -> list[str]:
    """Store a document to split with its analysed sentences, unless the same document is
    stored already; return the ids of the sentences it added that mention actors."""
    digest = text_hash(record.text)
    document_id = record.id or f"doc-{digest[:12]}"
    existing = corpus.get_document(db, document_id, unpublished=True)
    if existing is not None and record.id is None and existing["text_hash"] is None:
        # Both ids are made from this text: it came before as a sentence with its targets.
        summary.duplicates += 1
        summary.document_ids[document_id] = None
        return []
    if existing is not None and existing["text_hash"] != digest:
        raise InputError(
            source, f"document id {document_id!r} already exists with different text", record.line
        )
    same_text = existing or corpus.find_document_by_hash(db, digest)
    if same_text is not None:
        summary.duplicates += 1
        summary.document_ids[same_text["id"]] = None
        return []
    corpus.insert_document(
        db, document_id, title_of(record, document_id), digest, record.meta, import_id
    )
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
    return [sid for sid, sentence in zip(sentence_ids, sentences) if sentence.mentions]


@dataclass
class StoredSentence:
    """A sentence record once its sentence and mentions are stored: what its labels go on."""

    record: Record
    document_id: str
    sentence_id: str
    mention_ids: list[int]


TITLE_LENGTH = 60  # characters of the text that title a document given no title or id


def title_of(record: Record, document_id: str) -> str:
    """The record's title; else the id it was given; else, for an id made from its text
    (a CSV row, a JSON line with neither), the text's opening words, which say more on the
    Documents page than a hash does."""
    if record.title:
        return record.title
    if record.document_id or record.id:
        return document_id
    # invisible format characters (direction overrides among them) make no title
    visible = "".join(c for c in record.text if unicodedata.category(c) != "Cf")
    words = " ".join(visible.split())
    if len(words) <= TITLE_LENGTH:
        return words
    cut = words.rfind(" ", 0, TITLE_LENGTH)
    return words[: cut if cut > TITLE_LENGTH // 2 else TITLE_LENGTH].rstrip(" ,;:-") + "…"


def _ids(record: Record) -> tuple[str, str]:
    document_id = record.document_id or record.id or f"doc-{text_hash(record.text)[:12]}"
    return document_id, record.id or f"{document_id}:{text_hash(record.text)[:8]}"


def adds_to_published(db: Database, record: Record) -> bool:
    """Whether the sentence record's document or sentence is already published: what it adds
    then shows at once, so it is stored when its import publishes, not before."""
    document_id, sentence_id = _ids(record)
    return bool(corpus.get_document(db, document_id) or corpus.get_sentence(db, sentence_id))


def store_sentence(
    db: Database, record: Record, source: str, summary: ImportSummary, import_id: int | None
) -> StoredSentence:
    """Store a sentence record's document (when new), sentence and mentions, as given."""
    document_id, sentence_id = _ids(record)
    if corpus.get_document(db, document_id, unpublished=True) is None:
        corpus.insert_document(
            db, document_id, title_of(record, document_id), None, record.meta, import_id
        )
        summary.documents += 1
    summary.document_ids[document_id] = None
    sentence = corpus.get_sentence(
        db, sentence_id, unpublished=True
    ) or corpus.find_sentence_by_text(db, document_id, record.text)
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
    mention_ids = [
        _ensure_mention(db, document_id, sentence_id, target, summary) for target in record.targets
    ]
    return StoredSentence(record, document_id, sentence_id, mention_ids)


def store_labels(
    db: Database,
    stored: StoredSentence,
    annotator: str | None,
    summary: ImportSummary,
    labels: ImportedLabels,
) -> None:
    """Store the pre-labels, adjudications and overall answer a sentence record carries, and
    add its labels to those written together at the end (see `save_imported_labels`)."""
    record = stored.record
    for target, mention_id in zip(record.targets, stored.mention_ids):
        who = target.annotator or record.annotator or annotator or DEFAULT_ANNOTATOR
        shown = None
        if target.prediction is not None:
            shown = _store_prediction(db, mention_id, target.prediction)
        if target.labels is not None:  # several annotators: each one's label
            for entry in target.labels:
                labels.add(mention_id, entry["annotator"], entry["label"], entry["status"], shown)
        elif target.label is not None and not target.adjudicated:
            labels.add(mention_id, who, target.label, target.status, shown)
        if target.adjudicated:
            adjudicate(db, mention_id, target.label, target.annotator)
    if record.overall is not None:
        who = record.overall["annotator"] or record.annotator or annotator or DEFAULT_ANNOTATOR
        write_overall(db, stored.sentence_id, who, record.overall["label"])
    labels.sentence_ids.append(stored.sentence_id)


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
