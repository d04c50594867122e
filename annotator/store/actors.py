"""Actors across the project: list them, merge one name into another everywhere, undo merges.

Actors live per document; a merge works by name, in every document: the mentions of the
source actor move to the target actor of the same document (created when missing). The
moves are recorded, so a merge can be undone exactly. A merge also becomes one of the
project's aliases (`actor_aliases`: the source name is the target from now on), which every
later import applies (`corpus.project_aliases`), so a merge never has to be made twice.
"""

from __future__ import annotations

import json

from sqlite_utils import Database

from .corpus import ensure_actor
from .database import first_row, now
from .imports import published


def create_merge_table(db: Database) -> None:
    db.table("actor_merges").create(
        {"id": int, "source": str, "target": str, "moves": str, "created": str},
        pk="id",
        not_null={"source", "target", "moves"},
    )


def create_alias_table(db: Database) -> None:
    db.table("actor_aliases").create(
        {"alias": str, "name": str, "merge_id": int}, pk="alias", not_null={"name"}
    )


class ActorError(ValueError):
    """A merge that cannot be done (unknown actor, same actor twice, …)."""


def list_actors(db: Database) -> list[dict]:
    """Every actor name with its mention count, documents and the mention texts seen."""
    rows = db.query(
        f"""
        select ac.name, count(m.id) as mentions, count(distinct ac.document_id) as documents,
          group_concat(distinct m.text) as aliases
        from actors ac join mentions m on m.actor_id = ac.id
        where {published("ac.document_id")}
        group by ac.name order by mentions desc, ac.name
        """
    )
    return [{**row, "aliases": sorted(set((row["aliases"] or "").split(",")))} for row in rows]


def person_names(db: Database) -> list[tuple[str, int]]:
    """Each person the project has named, with the number of documents naming them: what an
    import takes as known people (`text.known_people`)."""
    rows = db.execute(
        f"""
        select name, count(*) from actors
        where kind = 'PERSON' and {published("actors.document_id")} group by name
        """
    )
    return [(name, documents) for name, documents in rows]


def merge_actors(db: Database, source: str, target: str) -> int:
    """Move every mention of `source` to `target`, in every document; return the merge id."""
    source, target = " ".join(source.split()), " ".join(target.split())
    if not source or not target or source == target:
        raise ActorError("pick two different actors")
    named = f"from actors where name = ? and {published('actors.document_id')}"
    if first_row(db, f"select 1 {named}", [source]) is None:
        raise ActorError(f"no actor called {source!r}")
    moves = []
    with db.atomic():
        for actor in list(db.query(f"select * {named}", [source])):
            target_id = ensure_actor(db, actor["document_id"], target, actor["kind"])
            mention_ids = [
                r["id"]
                for r in db.query("select id from mentions where actor_id = ?", [actor["id"]])
            ]
            db.execute(
                "update mentions set actor_id = ? where actor_id = ?", [target_id, actor["id"]]
            )
            moves.append({"from": actor["id"], "mentions": mention_ids})
        table = db.table("actor_merges").insert(
            {"source": source, "target": target, "moves": json.dumps(moves), "created": now()}
        )
        merge_id = table.last_pk
        # earlier aliases of the source follow it, and the target is nobody's alias any more
        db.execute("update actor_aliases set name = ? where name = ?", [target, source])
        db.execute("delete from actor_aliases where alias = ?", [target])
        db.execute(
            "insert into actor_aliases (alias, name, merge_id) values (?, ?, ?) "
            "on conflict (alias) do update set name = excluded.name, merge_id = excluded.merge_id",
            [source, target, merge_id],
        )
    return merge_id


def record_alias_moves(db: Database, merge_id: int, moves: list[dict]) -> None:
    """Add to a merge the mentions a later import stored under its alias: each move names the
    document, the name the import gave them and its kind. Runs in the import's transaction."""
    (recorded,) = db.conn.execute(
        "select moves from actor_merges where id = ?", [merge_id]
    ).fetchone()
    db.conn.execute(
        "update actor_merges set moves = ? where id = ?",
        [json.dumps(json.loads(recorded) + moves), merge_id],
    )


def undo_merge(db: Database, merge_id: int) -> None:
    """Put every moved mention back on its former actor: the actor it was moved from, or, for
    a mention a later import stored under the merge's alias, the name that import gave it."""
    merge = first_row(db, "select * from actor_merges where id = ?", [merge_id])
    if merge is None:
        raise ActorError(f"no merge with id {merge_id}")
    with db.atomic():
        for move in json.loads(merge["moves"]):
            marks = ",".join("?" for _ in move["mentions"])
            present = [
                mention_id
                for (mention_id,) in db.execute(
                    f"select id from mentions where id in ({marks})", move["mentions"]
                )
            ]
            if not present:  # deleted since, with their document or one by one
                continue
            home = move.get("from") or ensure_actor(
                db, move["document"], move["name"], move["kind"]
            )
            marks = ",".join("?" for _ in present)
            db.execute(f"update mentions set actor_id = ? where id in ({marks})", [home, *present])
        db.execute("delete from actor_aliases where merge_id = ?", [merge_id])
        db.execute("delete from actor_merges where id = ?", [merge_id])


def recent_merges(db: Database, limit: int = 20) -> list[dict]:
    return list(db.query("select * from actor_merges order by id desc limit ?", [limit]))
