"""Each document's size and how far its review has come, for the Documents page."""

from __future__ import annotations

from sqlite_utils import Database

from .assignments import OVERLAP_SQL
from .imports import published


def list_documents(db: Database, annotator: str | None = None) -> list[dict]:
    """Every document with its sentence and mention counts, the annotator's progress and the
    team's: `complete`, its sentences with actors that k annotators have reviewed."""
    return list(
        db.query(
            f"""
            select d.id, d.title, d.created,
              (select count(*) from sentences s where s.document_id = d.id) as sentences,
              (select count(*) from mentions m join sentences s on s.id = m.sentence_id
                 where s.document_id = d.id) as mentions,
              (select count(*) from reviews r join sentences s on s.id = r.sentence_id
                 where s.document_id = d.id and r.annotator = :annotator
                   and r.status = 'done') as reviewed,
              (select count(*) from sentences s where s.document_id = d.id
                 and exists (select 1 from mentions m where m.sentence_id = s.id)
                 and (select count(*) from reviews r
                      where r.sentence_id = s.id and r.status = 'done') >= {OVERLAP_SQL})
                as complete
            from documents d where {published("d.id")} order by d.rowid
            """,
            {"annotator": annotator},
        )
    )
