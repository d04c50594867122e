"""Documents, sentences, actors and mentions: writing them and reading them back."""

from __future__ import annotations

import json

from sqlite_utils import Database

from .database import first_row, insert_row, now
from .gold import UNREVIEWED, gold_of_mentions
from .imports import published
from .prelabels import card_prediction_id, labelled_prediction_id, shown_prediction_id
from .priority import refresh_priority


def get_document(db: Database, document_id: str, unpublished: bool = False) -> dict | None:
    """The published document row with this id (or, with `unpublished`, any), or None."""
    where = "" if unpublished else f" and {published('documents.id')}"
    return first_row(db, f"select * from documents where id = ?{where}", [document_id])


def find_document_by_hash(db: Database, text_hash: str) -> dict | None:
    """The first document imported from exactly this text, or None; for the import that holds
    the import turn, which counts its own unpublished documents as stored."""
    return first_row(db, "select * from documents where text_hash = ? limit 1", [text_hash])


def insert_document(
    db: Database,
    document_id: str,
    title: str,
    text_hash: str | None = None,
    meta: dict | None = None,
    import_id: int | None = None,
) -> None:
    """Store a new document row, unpublished while `import_id` is set (see `imports`)."""
    insert_row(
        db,
        "documents",
        {
            "id": document_id,
            "title": title,
            "text_hash": text_hash,
            "meta": json.dumps(meta) if meta else None,
            "created": now(),
            "import_id": import_id,
        },
    )


def get_sentence(db: Database, sentence_id: str, unpublished: bool = False) -> dict | None:
    """The published sentence row with this id (or, with `unpublished`, any), or None."""
    where = "" if unpublished else f" and {published('sentences.document_id')}"
    return first_row(db, f"select * from sentences where id = ?{where}", [sentence_id])


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


ALIAS_ROWS = "select alias, name, merge_id from actor_aliases"


def project_aliases(db: Database) -> dict[str, str]:
    """The project's aliases: an actor name a merge replaced → the name that replaced it
    (written by `actors.merge_actors`)."""
    return {alias: name for alias, name, _ in db.conn.execute(ALIAS_ROWS)}


def insert_new_document_mentions(
    db: Database, document_id: str, mentions: list[tuple[str, str, str | None, int, int, str]]
) -> None:
    """Store the mentions of a document that has no actors yet, creating its actors.

    Each mention is (sentence id, actor name, actor kind, start, end, text); an actor's kind
    is that of its first mention. A name that the project's merges made an alias of another
    is stored under that other name, and recorded with the merge that made the alias (its
    undo puts them back). A handful of statements in all, whatever the number of mentions.
    """
    aliases = {alias: (name, merge) for alias, name, merge in db.conn.execute(ALIAS_ROWS)}
    renamed = [m for m in mentions if m[1] in aliases]  # as written, before the alias
    if aliases:
        mentions = [(s, aliases.get(name, (name,))[0], *rest) for s, name, *rest in mentions]
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
    if renamed:
        _record_alias_moves(db, document_id, renamed, aliases)
    refresh_priority(db, (sentence_id for sentence_id, *_ in mentions))


def _record_alias_moves(db: Database, document_id: str, renamed: list, aliases: dict) -> None:
    """Add the mentions an alias renamed to the moves of the merge that made the alias, so
    that undoing the merge puts them back under the name the import gave them."""
    from .actors import record_alias_moves

    stored = {
        (sentence_id, start, end): mention_id
        for mention_id, sentence_id, start, end in db.conn.execute(
            """select m.id, m.sentence_id, m.start, m."end" from mentions m
               join actors ac on ac.id = m.actor_id where ac.document_id = ?""",
            [document_id],
        )
    }
    by_merge: dict[int, dict[tuple[str, str | None], list[int]]] = {}
    for sentence_id, name, kind, start, end, _ in renamed:
        mention_id = stored[(sentence_id, start, end)]
        merge_id = aliases[name][1]
        by_merge.setdefault(merge_id, {}).setdefault((name, kind), []).append(mention_id)
    for merge_id, names in by_merge.items():
        moves = [
            {"document": document_id, "name": name, "kind": kind, "mentions": ids}
            for (name, kind), ids in names.items()
        ]
        record_alias_moves(db, merge_id, moves)


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
    """Store a mention span (its sentence joins the queue if new to it) and return its id."""
    mention_id = insert_row(
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
    refresh_priority(db, [sentence_id])
    return mention_id


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
    """Mentions grouped by sentence id, with their actor, a label and the pre-label beside it.

    With `annotator`, the label is that annotator's own and the pre-label the one on their
    card (`card_prediction_id`); `labelled_beside` is the pre-label they labelled beside,
    which differs from it where a newer model sent the sentence back. Without, the label is
    the gold label (see `gold`) and the pre-label the one its annotator was shown, else the
    one shown now.
    """
    if not sentence_ids:
        return {}
    marks = ",".join("?" for _ in sentence_ids)
    if annotator is not None:
        labels = """left join annotations a on a.mention_id = m.id and a.annotator = ?
            left join reviews r on r.sentence_id = m.sentence_id and r.annotator = a.annotator"""
        prediction = card_prediction_id("a", "r", "m.id")
        columns = f"""a.label, a.status, a.annotator,
            (select label from predictions where id = {labelled_prediction_id("a", "m.id")})
              as labelled_beside"""
        params = [annotator, *sentence_ids]
    else:
        labels, prediction = "", shown_prediction_id("m.id")
        columns = "null as label, null as status, null as annotator, null as labelled_beside"
        params = sentence_ids
    rows = list(
        db.query(
            f"""
            select m.id, m.sentence_id, m.start, m."end", m.text, ac.name as actor, ac.kind,
              p.id as predicted_id, p.label as predicted, p.score as predicted_score,
              p.scores as predicted_scores, p.model as predicted_model, {columns}
            from mentions m
            join actors ac on ac.id = m.actor_id
            {labels}
            left join predictions p on p.id = {prediction}
            where m.sentence_id in ({marks})
            order by m.sentence_id, m.start
            """,
            params,
        )
    )
    if annotator is None:
        _attach_gold(db, rows)
    grouped: dict[str, list[dict]] = {}
    for row in rows:
        row["predicted_scores"] = json.loads(row["predicted_scores"] or "{}")
        grouped.setdefault(row["sentence_id"], []).append(row)
    return grouped


def _attach_gold(db: Database, mentions: list[dict]) -> None:
    """Give each mention row its gold label, status and annotator, and the pre-label that
    annotator was shown where it differs from the one shown now."""
    gold = gold_of_mentions(db, [m["id"] for m in mentions])
    ids = [row["prediction_id"] for row in gold.values() if row["prediction_id"] is not None]
    marks = ",".join("?" for _ in ids)
    shown = {
        p["id"]: p
        for p in db.query(
            f"select id, label, score, scores, model from predictions where id in ({marks})", ids
        )
    }
    for mention in mentions:
        row = gold.get(mention["id"])
        if row is None:
            mention["status"] = UNREVIEWED
            continue
        mention.update(label=row["label"], status=row["status"], annotator=row["annotator"])
        prediction = shown.get(row["prediction_id"])
        if prediction is not None:
            mention.update(
                predicted_id=prediction["id"],
                predicted=prediction["label"],
                predicted_score=prediction["score"],
                predicted_scores=prediction["scores"],
                predicted_model=prediction["model"],
            )
