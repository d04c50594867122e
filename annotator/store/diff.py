"""Comparing two model versions: which pre-labels changed, and which now contradict gold."""

from __future__ import annotations

from sqlite_utils import Database

from .database import now
from .gold import GOLD_VIEW
from .review_states import DONE, REQUEUED


def model_versions(db: Database) -> list[dict]:
    """Every (model, template version) with predictions, newest first."""
    return list(
        db.query(
            """
            select model, template_version, count(*) as predictions, max(created) as created
            from predictions group by model, template_version order by max(id) desc
            """
        )
    )


def changed_labels(
    db: Database,
    old: tuple[str, str],
    new: tuple[str, str],
    only_wrong: bool = False,
    limit: int = 500,
) -> list[dict]:
    """Mentions whose label differs between the two versions, with the gold label if any
    (see `gold`).

    `only_wrong` keeps the changes where the new version disagrees with a gold label.
    """
    wrong = "and gold is not null and gold != new_label" if only_wrong else ""
    return list(
        db.query(
            f"""
            with gold as materialized (
              select mention_id, label from {GOLD_VIEW} where label is not null)
            select * from (
              select m.id as mention_id, m.start, m."end", m.text as mention, ac.name as actor,
                s.id as sentence_id, s.text as sentence,
                po.label as old_label, pn.label as new_label, pn.score as new_score,
                g.label as gold
              from predictions po
              join predictions pn on pn.mention_id = po.mention_id
              join mentions m on m.id = po.mention_id
              join actors ac on ac.id = m.actor_id
              join sentences s on s.id = m.sentence_id
              left join gold g on g.mention_id = m.id
              where po.model = :old_model and po.template_version = :old_version
                and pn.model = :new_model and pn.template_version = :new_version
                and po.label != pn.label
            ) where 1 {wrong}
            order by sentence_id, start
            limit :limit
            """,
            {
                "old_model": old[0],
                "old_version": old[1],
                "new_model": new[0],
                "new_version": new[1],
                "limit": limit,
            },
        )
    )


def requeue_sentences(db: Database, sentence_ids: list[str]) -> int:
    """Send reviewed sentences back to the front of their annotators' queues; return how many.

    Their labels stay; only the review state changes, so the next look starts from them.
    """
    if not sentence_ids:
        return 0
    marks = ",".join("?" for _ in sentence_ids)
    with db.atomic():
        cursor = db.execute(
            "update reviews set status = ?, updated = ? "
            f"where status = ? and sentence_id in ({marks})",
            [REQUEUED, now(), DONE, *sentence_ids],
        )
    return cursor.rowcount
