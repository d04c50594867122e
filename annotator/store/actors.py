"""Actors across the project: list them, merge one name into another everywhere, undo merges.

Actors live per document; a merge works by name, in every document: the mentions of the
source actor move to the target actor of the same document (created when missing). The
moves are recorded, so a merge can be undone exactly. A merge also becomes one of the
project's aliases (`actor_aliases`: the source name is the target from now on), which every
later import applies (`corpus.project_aliases`), so a merge never has to be made twice.

Undone merges stay in `actor_merges`, marked `undone`: a merge's id is never given to another,
so an undo button on a page opened before is refused instead of undoing something else. Merges
can be undone in any order: a mention goes back only while it is where the merge put it (or
where later merges still standing carried it on from there), and the aliases a merge changed are
put back as they were unless something changed them since.
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


class UnknownMergeError(ActorError):
    """An undo of a merge that does not exist or was undone already."""


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
    named = f"""from actors where name = ? and {published("actors.document_id")}
        and exists (select 1 from mentions m where m.actor_id = actors.id)"""
    moves = []
    with db.atomic():  # checked in the write transaction: two equal merges at once make one
        actors = list(db.query(f"select * {named}", [source]))
        if not actors:  # a merged actor's row stays, for undo, without mentions
            alias = first_row(db, "select name from actor_aliases where alias = ?", [source])
            if alias is not None:
                raise ActorError(f"'{source}' is merged into '{alias['name']}' already")
            raise ActorError(f"no actor called '{source}'")
        for actor in actors:
            target_id = ensure_actor(db, actor["document_id"], target, actor["kind"])
            mention_ids = [
                r["id"]
                for r in db.query("select id from mentions where actor_id = ?", [actor["id"]])
            ]
            db.execute(
                "update mentions set actor_id = ? where actor_id = ?", [target_id, actor["id"]]
            )
            moves.append({"from": actor["id"], "mentions": mention_ids})
        changed = list(
            db.query(
                "select alias, name, merge_id from actor_aliases where name = ? or alias in (?, ?)",
                [source, source, target],
            )
        )
        table = db.table("actor_merges").insert(
            {
                "source": source,
                "target": target,
                "moves": json.dumps(moves),
                "aliases": json.dumps(changed),
                "created": now(),
            }
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
    """Take a merge back: each mention it moved goes where the merges still standing would
    have put it without this one (`_home_without`), so merges can be undone in any order,
    opposite ones included (Seoul into South Korea, then South Korea into Seoul). A mention
    moved elsewhere since (by hand) stays."""
    with db.atomic():
        merge = first_row(
            db, "select * from actor_merges where id = ? and undone is null", [merge_id]
        )
        if merge is None:
            raise UnknownMergeError(f"no merge #{merge_id} to undo (unknown or undone already)")
        # where the merge put its mentions: its target, and the names later merges still
        # standing carried that target's mentions on to
        carried_to = {merge["target"]}
        for source, target in db.execute(
            "select source, target from actor_merges where id > ? and undone is null order by id",
            [merge_id],
        ):
            if source in carried_to:
                carried_to.add(target)
        history = _merges_by_mention(db)
        for move in json.loads(merge["moves"]):
            marks = ",".join("?" for _ in move["mentions"])
            present = [  # still where the merges put them: not deleted, not moved by hand
                mention_id
                for (mention_id, name) in db.execute(
                    f"""select m.id, ac.name from mentions m join actors ac on ac.id = m.actor_id
                    where m.id in ({marks})""",
                    move["mentions"],
                )
                if name in carried_to
            ]
            for mention_id in present:
                merges = history[mention_id]
                home, carried = _home_without(db, merge_id, merges)
                db.execute("update mentions set actor_id = ? where id = ?", [home, mention_id])
                # a standing merge that now carries the mention records it, so that undoing
                # that merge later brings it back too
                known = {known_id for known_id, _ in merges}
                for carrier, move in carried:
                    if carrier not in known:
                        record_alias_moves(db, carrier, [{**move, "mentions": [mention_id]}])
        db.execute("delete from actor_aliases where merge_id = ?", [merge_id])
        for before in json.loads(merge["aliases"] or "[]"):
            now_row = first_row(
                db, "select * from actor_aliases where alias = ?", [before["alias"]]
            )
            unchanged_since = now_row is None or (
                now_row["name"] == merge["target"] and now_row["merge_id"] == before["merge_id"]
            )
            if unchanged_since and _standing(db, before["merge_id"]):
                db.table("actor_aliases").upsert(before, pk="alias")
        db.execute("update actor_merges set undone = ? where id = ?", [now(), merge_id])


def _merges_by_mention(db: Database) -> dict[int, list[tuple[int, dict]]]:
    """Every merge that moved each mention, oldest first, with the move that says where the
    mention was before it: (merge id, move)."""
    history: dict[int, list[tuple[int, dict]]] = {}
    for merge_id, moves in db.execute("select id, moves from actor_merges order by id"):
        for move in json.loads(moves):
            for mention_id in move["mentions"]:
                history.setdefault(mention_id, []).append((merge_id, move))
    return history


def _before(db: Database, move: dict) -> tuple[int | None, int, str, str]:
    """Where a move took its mentions from: (actor id or None, document, name, kind)."""
    if "from" in move:
        actor = db.table("actors").get(move["from"])
        return move["from"], actor["document_id"], actor["name"], actor["kind"]
    return None, move["document"], move["name"], move["kind"]


def _home_without(
    db: Database, undone_id: int, merges: list[tuple[int, dict]]
) -> tuple[int, list[tuple[int, dict]]]:
    """The actor a mention belongs to once merge `undone_id` is taken back, and the standing
    merges that carry it there, each with a move saying where it was before that merge.

    Its origin is where it was before the unbroken run of merges that carried it to the
    undone one (a merge that took it from where the one before left it; a move by hand
    breaks the run). From there the merges still standing are replayed by name, in order.
    """
    position = next(i for i, (merge_id, _) in enumerate(merges) if merge_id == undone_id)
    start_id, start = merges[position]
    for merge_id, move in reversed(merges[:position]):
        target = db.execute("select target from actor_merges where id = ?", [merge_id]).fetchone()
        if target[0] != _before(db, start)[2]:
            break  # moved by hand between the two: the run starts after this merge
        start_id, start = merge_id, move
    actor_id, document, name, kind = _before(db, start)
    origin, carried = name, []
    for merge_id, source, target in db.execute(
        """select id, source, target from actor_merges
        where id >= ? and id != ? and undone is null order by id""",
        [start_id, undone_id],
    ):
        if name == source:
            carried.append((merge_id, {"document": document, "name": name, "kind": kind}))
            name = target
    if actor_id is not None and name == origin:
        return actor_id, carried
    return ensure_actor(db, document, name, kind), carried


def _standing(db: Database, merge_id: int | None) -> bool:
    """Whether an alias's merge still stands (an alias without one always does)."""
    if merge_id is None:
        return True
    return (
        first_row(db, "select 1 from actor_merges where id = ? and undone is null", [merge_id])
        is not None
    )


def recent_merges(db: Database, limit: int = 20) -> list[dict]:
    return list(
        db.query(
            "select * from actor_merges where undone is null order by id desc limit ?", [limit]
        )
    )
