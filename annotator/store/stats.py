"""Counts for the pictures: each actor's stance, label totals, and review progress over time."""

from __future__ import annotations

from sqlite_utils import Database

from .gold import GOLD_VIEW, gold_of_mentions
from .imports import published
from .prelabels import shown_prediction_id
from .review_counts import done_count

_SHOWN = f"(select label from predictions where id = {shown_prediction_id('m.id')})"

PERSON = "PERSON"


def actor_stances(db: Database, document_id: str | None = None, top: int = 15) -> list[dict]:
    """The `top` most mentioned actors with their gold and shown pre-label counts.

    Across documents, actors with the same name are counted together, and a person named by
    one word in some documents ("Putin") is counted with the one person of the corpus whose
    full name has that word ("Vladimir Putin"): within a document the grouping rules join
    them already, across documents nothing else would.
    """
    where = "and s.document_id = :document" if document_id else ""
    rows = db.query(
        f"""
        select m.id, ac.name as actor, ac.kind, {_SHOWN} as predicted
        from mentions m
        join actors ac on ac.id = m.actor_id
        join sentences s on s.id = m.sentence_id
        where {published("s.document_id")} {where}
        """,
        {"document": document_id},
    )
    if document_id:  # one document: read the gold of its mentions only
        rows = list(rows)
        gold = _gold_labels(db, [row["id"] for row in rows])
    else:  # the corpus: stream its mentions, read all gold once
        gold = _gold_labels(db)
    people = db.execute("select distinct name from actors where kind = ?", [PERSON])
    full_name = _full_names({name for (name,) in people})
    actors: dict[str, dict] = {}
    for row in rows:
        name = full_name.get(row["actor"], row["actor"]) if row["kind"] == PERSON else row["actor"]
        entry = actors.setdefault(name, {"actor": name, "mentions": 0, "gold": {}, "predicted": {}})
        entry["mentions"] += 1
        _count(entry["gold"], gold.get(row["id"]))
        _count(entry["predicted"], row["predicted"])
    ranked = sorted(actors.values(), key=lambda a: (-a["mentions"], a["actor"]))
    return ranked[:top]


def _full_names(people: set[str]) -> dict[str, str]:
    """Each one-word person name → the one longer name of `people` that has it as a word."""
    longer: dict[str, set[str]] = {}
    for name in people:
        words = name.split()
        if len(words) > 1:
            for word in words:
                longer.setdefault(word, set()).add(name)
    return {
        name: next(iter(longer[name]))
        for name in people
        if " " not in name and len(longer.get(name, ())) == 1
    }


def label_totals(db: Database) -> dict[str, dict[str, int]]:
    """How many mentions carry each gold label and each pre-label shown to annotators."""
    totals: dict[str, dict[str, int]] = {"gold": {}, "predicted": {}}
    for label in _gold_labels(db).values():
        _count(totals["gold"], label)
    for row in db.query(f"select {_SHOWN} as predicted from mentions m"):
        _count(totals["predicted"], row["predicted"])
    return totals


def _gold_labels(db: Database, mention_ids: list[int] | None = None) -> dict[int, str]:
    """Gold label by mention id: of these mentions, or of the whole corpus."""
    if mention_ids is not None:
        rows = gold_of_mentions(db, mention_ids).values()
    else:
        rows = db.query(f"select mention_id, label from {GOLD_VIEW} where label is not null")
    return {row["mention_id"]: row["label"] for row in rows if row["label"] is not None}


def _count(counts: dict[str, int], label: str | None) -> None:
    if label is not None:
        counts[label] = counts.get(label, 0) + 1


def progress_by_day(db: Database) -> dict:
    """Per annotator, the cumulative number of sentences reviewed at the end of each day.

    Returns {"days": every day with reviews, "series": {annotator: [(day, total)]},
    "top": the largest total}.
    """
    rows = db.query(
        """
        select annotator, substr(updated, 1, 10) as day, count(*) as n
        from reviews where status = 'done'
        group by annotator, day order by annotator, day
        """
    )
    series: dict[str, list[tuple[str, int]]] = {}
    for row in rows:
        points = series.setdefault(row["annotator"], [])
        points.append((row["day"], (points[-1][1] if points else 0) + row["n"]))
    days = sorted({day for points in series.values() for day, _ in points})
    top = max((points[-1][1] for points in series.values()), default=0)
    return {"days": days, "series": series, "top": top}


def annotator_speed(db: Database) -> list[dict]:
    """Per annotator: decisions, sentences reviewed, and median seconds per decision."""
    import statistics

    result = []
    for row in db.query("select distinct annotator from decisions order by annotator"):
        name = row["annotator"]
        times = [
            r["seconds"]
            for r in db.query(
                "select seconds from decisions where annotator = ? and seconds is not null",
                [name],
            )
        ]
        decisions = db.table("decisions").count_where("annotator = ?", [name])
        result.append(
            {
                "annotator": name,
                "decisions": decisions,
                "reviewed": done_count(db, name),
                "median_seconds": round(statistics.median(times), 1) if times else None,
            }
        )
    return result
