"""Label tables for agreement figures: item → {annotator: label}, from the database."""

from __future__ import annotations

from sqlite_utils import Database

from .gold import GOLD_VIEW
from .prelabels import shown_prediction_id

ACTORS, OVERALL = "actors", "overall"
MODEL, GOLD = "model", "gold"  # the raters beside the people, as `agreement` names them


def actor_label_table(db: Database, kind: str | None = None, with_model: bool = True) -> dict:
    """Per mention, each annotator's label, and with `with_model` the pre-label annotators
    are shown (as "model") and the gold label (as "gold", see `gold`).

    `kind` keeps only actors of one type (PERSON, ORG, GPE, NORP, or "" for added ones).
    """
    where, params = ("", [])
    if kind is not None:
        where, params = ("where coalesce(ac.kind, '') = ?", [kind])
    table: dict[int, dict[str, str]] = {}
    for row in db.query(
        f"""
        select a.mention_id, a.annotator, a.label from annotations a
        join mentions m on m.id = a.mention_id join actors ac on ac.id = m.actor_id
        {where}
        """,
        params,
    ):
        table.setdefault(row["mention_id"], {})[row["annotator"]] = row["label"]
    if with_model and table:
        for row in db.query(
            f"""
            select a.mention_id, p.label from (select distinct mention_id from annotations) a
            join predictions p on p.id = {shown_prediction_id("a.mention_id")}
            """
        ):
            if row["mention_id"] in table:
                table[row["mention_id"]][MODEL] = row["label"]
        for row in db.query(f"select mention_id, label from {GOLD_VIEW} where label is not null"):
            if row["mention_id"] in table:
                table[row["mention_id"]][GOLD] = row["label"]
    return table


def overall_label_table(db: Database) -> dict:
    """Per sentence, each annotator's answer to the overall question."""
    table: dict[str, dict[str, str]] = {}
    for row in db.query("select sentence_id, annotator, label from sentence_labels"):
        table.setdefault(row["sentence_id"], {})[row["annotator"]] = row["label"]
    return table


def actor_kinds(db: Database) -> list[str]:
    """The actor types that have labels from at least two annotators on one mention."""
    return [
        row["kind"]
        for row in db.query(
            """
            select distinct coalesce(ac.kind, '') as kind from actors ac
            join mentions m on m.actor_id = ac.id
            where m.id in (select mention_id from annotations group by mention_id
                           having count(*) >= 2)
            order by kind
            """
        )
    ]


def label_tables(db: Database) -> list[tuple[str, dict]]:
    """(name, table) for every label set and actor type agreement is reported on."""
    tables = [(ACTORS, actor_label_table(db))]
    tables += [
        (f"{ACTORS}: {kind or 'added by hand'}", actor_label_table(db, kind))
        for kind in actor_kinds(db)
    ]
    overall = overall_label_table(db)
    if overall:
        tables.append((OVERALL, overall))
    return tables
