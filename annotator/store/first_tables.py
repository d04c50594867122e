"""The schema's first tables: the corpus (documents, sentences, actors, mentions) and what is
kept on it (predictions, labels, reviews, the undo log, jobs), as the first two migrations
(`schema.py`) create them. Later tables are created by the modules that use them."""

from sqlite_utils import Database


def create_corpus_tables(db: Database) -> None:
    """Documents, their sentences, the actors they mention and each mention's span."""
    db.table("settings").create({"key": str, "value": str}, pk="key")
    db.table("documents").create(
        {"id": str, "title": str, "text_hash": str, "meta": str, "created": str},
        pk="id",
        not_null={"title", "created"},
    )
    db.table("documents").create_index(["text_hash"])
    db.table("sentences").create(
        {"id": str, "document_id": str, "position": int, "text": str, "created": str},
        pk="id",
        foreign_keys=[("document_id", "documents", "id")],
        not_null={"document_id", "position", "text"},
    )
    db.table("sentences").create_index(["document_id", "position"], unique=True)
    db.table("actors").create(
        {"id": int, "document_id": str, "name": str, "kind": str},
        pk="id",
        foreign_keys=[("document_id", "documents", "id")],
        not_null={"document_id", "name"},
    )
    db.table("actors").create_index(["document_id", "name"], unique=True)
    db.table("mentions").create(
        {"id": int, "sentence_id": str, "actor_id": int, "start": int, "end": int, "text": str},
        pk="id",
        foreign_keys=[("sentence_id", "sentences", "id"), ("actor_id", "actors", "id")],
        not_null={"sentence_id", "actor_id", "start", "end", "text"},
    )
    db.table("mentions").create_index(["sentence_id", "start", "end"], unique=True)
    db.table("mentions").create_index(["actor_id"])


def create_label_tables(db: Database) -> None:
    """Model predictions, annotators' labels, per-sentence review state and the undo log."""
    db.table("predictions").create(
        {
            "id": int,
            "mention_id": int,
            "model": str,
            "template_version": str,
            "label": str,
            "score": float,
            "scores": str,
            "created": str,
        },
        pk="id",
        foreign_keys=[("mention_id", "mentions", "id")],
        not_null={"mention_id", "model", "template_version", "label", "score"},
    )
    db.table("predictions").create_index(["mention_id", "model", "template_version"], unique=True)
    db.table("annotations").create(
        {
            "mention_id": int,
            "annotator": str,
            "label": str,
            "status": str,
            "created": str,
            "updated": str,
        },
        pk=("mention_id", "annotator"),
        foreign_keys=[("mention_id", "mentions", "id")],
        not_null={"label", "status"},
    )
    db.table("reviews").create(
        {"sentence_id": str, "annotator": str, "status": str, "updated": str},
        pk=("sentence_id", "annotator"),
        foreign_keys=[("sentence_id", "sentences", "id")],
    )
    db.table("reviews").create_index(["annotator", "status"])
    db.table("decisions").create(
        {
            "id": int,
            "annotator": str,
            "sentence_id": str,
            "action": str,
            "undo": str,
            "created": str,
        },
        pk="id",
        foreign_keys=[("sentence_id", "sentences", "id")],
        not_null={"annotator", "sentence_id", "action", "undo"},
    )
    db.table("decisions").create_index(["annotator", "id"])
    db.table("jobs").create(
        {"id": int, "kind": str, "status": str, "done": int, "total": int, "message": str}
        | {"created": str, "updated": str},
        pk="id",
    )
