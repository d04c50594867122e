"""Documents, sentences, actors and mentions: writing them and reading them back."""

from __future__ import annotations

import json

from sqlite_utils import Database

from .database import first_row, insert_row, now


def get_document(db: Database, document_id: str) -> dict | None:
    """The document row with this id, or None."""
    return first_row(db, "select * from documents where id = ?", [document_id])


def find_document_by_hash(db: Database, text_hash: str) -> dict | None:
    """The first document imported from exactly this text, or None."""
    return first_row(db, "select * from documents where text_hash = ? limit 1", [text_hash])


def insert_document(
    db: Database,
    document_id: str,
    title: str,
    text_hash: str | None = None,
    meta: dict | None = None,
) -> None:
    """Store a new document row."""
    insert_row(
        db,
        "documents",
        {
            "id": document_id,
            "title": title,
            "text_hash": text_hash,
            "meta": json.dumps(meta) if meta else None,
            "created": now(),
        },
    )


def get_sentence(db: Database, sentence_id: str) -> dict | None:
    """The sentence row with this id, or None."""
    return first_row(db, "select * from sentences where id = ?", [sentence_id])


def find_sentence_by_text(db: Database, document_id: str, text: str) -> dict | None:
    """A sentence of the document with exactly this text, or None."""
    return first_row(
        db,
        "select * from sentences where document_id = ? and text = ? limit 1",
        [document_id, text],
    )


def insert_sentence(db: Database, sentence_id: str, document_id: str, text: str) -> None:
    """Append a sentence at the end of its document."""
    db.execute(
        "insert into sentences (id, document_id, position, text, created) values (?, ?, "
        "(select coalesce(max(position) + 1, 0) from sentences where document_id = ?), ?, ?)",
        [sentence_id, document_id, document_id, text, now()],
    )


def insert_new_document_sentences(
    db: Database, document_id: str, sentences: list[tuple[str, str]]
) -> None:
    """Store the (id, text) sentences of a document that has none yet, in this order."""
    stamp = now()
    db.conn.executemany(
        "insert into sentences (id, document_id, position, text, created) values (?, ?, ?, ?, ?)",
        [(sid, document_id, n, text, stamp) for n, (sid, text) in enumerate(sentences)],
    )


def insert_new_document_mentions(
    db: Database, document_id: str, mentions: list[tuple[str, str, str | None, int, int, str]]
) -> None:
    """Store the mentions of a document that has no actors yet, creating its actors.

    Each mention is (sentence id, actor name, actor kind, start, end, text); an actor's kind
    is that of its first mention. Two statements in all, whatever the number of mentions.
    """
    kinds: dict[str, str | None] = {}
    for _, name, kind, *_ in mentions:
        kinds.setdefault(name, kind)
    db.conn.executemany(
        "insert into actors (document_id, name, kind) values (?, ?, ?)",
        [(document_id, name, kind) for name, kind in kinds.items()],
    )
    actor_ids = dict(
        db.conn.execute("select name, id from actors where document_id = ?", [document_id])
    )
    db.conn.executemany(
        'insert into mentions (sentence_id, actor_id, start, "end", text) values (?, ?, ?, ?, ?)',
        [
            (sentence_id, actor_ids[name], start, end, text)
            for sentence_id, name, _, start, end, text in mentions
        ],
    )


def ensure_actor(db: Database, document_id: str, name: str, kind: str | None) -> int:
    """The id of the document's actor called `name`, creating it when new."""
    row = first_row(
        db, "select id from actors where document_id = ? and name = ?", [document_id, name]
    )
    if row:
        return row["id"]
    return insert_row(db, "actors", {"document_id": document_id, "name": name, "kind": kind})


def find_mention(db: Database, sentence_id: str, start: int, end: int) -> dict | None:
    """The mention with exactly this span in the sentence, or None."""
    return first_row(
        db,
        'select * from mentions where sentence_id = ? and start = ? and "end" = ?',
        [sentence_id, start, end],
    )


def insert_mention(
    db: Database, sentence_id: str, actor_id: int, start: int, end: int, text: str
) -> int:
    """Store a mention span and return its id."""
    return insert_row(
        db,
        "mentions",
        {
            "sentence_id": sentence_id,
            "actor_id": actor_id,
            "start": start,
            "end": end,
            "text": text,
        },
    )


def list_documents(db: Database, annotator: str | None = None) -> list[dict]:
    """Every document with its sentence and mention counts and the annotator's progress."""
    return list(
        db.query(
            """
            select d.id, d.title, d.created,
              (select count(*) from sentences s where s.document_id = d.id) as sentences,
              (select count(*) from mentions m join sentences s on s.id = m.sentence_id
                 where s.document_id = d.id) as mentions,
              (select count(*) from reviews r join sentences s on s.id = r.sentence_id
                 where s.document_id = d.id and r.annotator = :annotator
                   and r.status = 'done') as reviewed
            from documents d order by d.rowid
            """,
            {"annotator": annotator},
        )
    )


def document_sentences(db: Database, document_id: str) -> list[dict]:
    """The document's sentences in order, each with its mentions, labels and predictions."""
    sentences = list(
        db.query("select * from sentences where document_id = ? order by position", [document_id])
    )
    mentions = mentions_of_sentences(db, [s["id"] for s in sentences])
    for sentence in sentences:
        sentence["mentions"] = mentions.get(sentence["id"], [])
    return sentences


def mentions_of_sentences(
    db: Database, sentence_ids: list[str], annotator: str | None = None
) -> dict[str, list[dict]]:
    """Mentions grouped by sentence id, with actor, latest prediction and the current label.

    The label is the annotator's own when `annotator` is given, else the latest by anyone.
    """
    if not sentence_ids:
        return {}
    marks = ",".join("?" for _ in sentence_ids)
    label_filter = "and a.annotator = ?" if annotator else ""
    params = [*([annotator] if annotator else []), *sentence_ids]
    rows = db.query(
        f"""
        select m.id, m.sentence_id, m.start, m."end", m.text, ac.name as actor, ac.kind,
          p.label as predicted, p.score as predicted_score, p.scores as predicted_scores,
          p.model as predicted_model,
          a.label, a.status, a.annotator
        from mentions m
        join actors ac on ac.id = m.actor_id
        left join predictions p on p.id = (
          select id from predictions where mention_id = m.id order by id desc limit 1)
        left join annotations a on a.rowid = (
          select rowid from annotations a where a.mention_id = m.id {label_filter}
          order by updated desc limit 1)
        where m.sentence_id in ({marks})
        order by m.sentence_id, m.start
        """,
        params,
    )
    grouped: dict[str, list[dict]] = {}
    for row in rows:
        row["predicted_scores"] = json.loads(row["predicted_scores"] or "{}")
        grouped.setdefault(row["sentence_id"], []).append(row)
    return grouped
