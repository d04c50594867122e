"""Counts for the pictures: each actor's stance, label totals, and review progress over time."""

from __future__ import annotations

from sqlite_utils import Database

_LATEST_GOLD = """(select label from annotations where mention_id = m.id
                   order by updated desc limit 1)"""
_LATEST_PREDICTED = """(select label from predictions where mention_id = m.id
                        order by id desc limit 1)"""


def actor_stances(db: Database, document_id: str | None = None, top: int = 15) -> list[dict]:
    """The `top` most mentioned actors with their gold and predicted label counts.

    Across documents, actors with the same name are counted together.
    """
    where = "where s.document_id = :document" if document_id else ""
    rows = db.query(
        f"""
        select ac.name as actor, {_LATEST_GOLD} as gold, {_LATEST_PREDICTED} as predicted
        from mentions m
        join actors ac on ac.id = m.actor_id
        join sentences s on s.id = m.sentence_id
        {where}
        """,
        {"document": document_id},
    )
    actors: dict[str, dict] = {}
    for row in rows:
        entry = actors.setdefault(
            row["actor"], {"actor": row["actor"], "mentions": 0, "gold": {}, "predicted": {}}
        )
        entry["mentions"] += 1
        for kind in ("gold", "predicted"):
            if row[kind] is not None:
                entry[kind][row[kind]] = entry[kind].get(row[kind], 0) + 1
    ranked = sorted(actors.values(), key=lambda a: (-a["mentions"], a["actor"]))
    return ranked[:top]


def label_totals(db: Database) -> dict[str, dict[str, int]]:
    """How many mentions carry each gold label and each predicted label."""
    totals: dict[str, dict[str, int]] = {"gold": {}, "predicted": {}}
    rows = db.query(
        f"select {_LATEST_GOLD} as gold, {_LATEST_PREDICTED} as predicted from mentions m"
    )
    for row in rows:
        for kind in ("gold", "predicted"):
            if row[kind] is not None:
                totals[kind][row[kind]] = totals[kind].get(row[kind], 0) + 1
    return totals


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
        [counts] = db.query(
            """select (select count(*) from decisions where annotator = :a) as decisions,
                      (select count(*) from reviews where annotator = :a and status = 'done')
                        as reviewed""",
            {"a": name},
        )
        result.append(
            {
                "annotator": name,
                **counts,
                "median_seconds": round(statistics.median(times), 1) if times else None,
            }
        )
    return result
