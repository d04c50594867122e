"""Merging actors across the project, undoing a merge, and the actors page."""

import itertools
import json
import re

import pytest

from annotator.store.actors import ActorError, list_actors, merge_actors, undo_merge
from annotator.store.exports import iter_export_records


def test_merge_moves_every_mention_and_undo_restores(app, db):
    names = {a["name"]: a for a in list_actors(db)}
    assert "Moscow" in names and "Russia" in names
    before = list(iter_export_records(db))
    moscow = names["Moscow"]["mentions"]
    merge_id = merge_actors(db, "Moscow", "Russia")
    after = {a["name"]: a for a in list_actors(db)}
    assert "Moscow" not in after
    assert after["Russia"]["mentions"] == names["Russia"]["mentions"] + moscow
    assert "Moscow" in after["Russia"]["aliases"]
    undo_merge(db, merge_id)
    assert list(iter_export_records(db)) == before


def test_merge_into_a_new_name_renames(app, db):
    merge_actors(db, "Vladimir Putin", "Putin")
    names = {a["name"] for a in list_actors(db)}
    assert "Putin" in names and "Vladimir Putin" not in names


def test_bad_merges_are_refused(app, db):
    with pytest.raises(ActorError, match="two different"):
        merge_actors(db, "Russia", "Russia")
    with pytest.raises(ActorError, match="no actor called"):
        merge_actors(db, "Atlantis", "Russia")
    with pytest.raises(ActorError, match="no merge"):
        undo_merge(db, 42)


def test_actors_page_merge_and_undo(client, db):
    html = client.get("/actors").get_data(as_text=True)
    assert "Vladimir Putin" in html and "Putin" in html
    response = client.post("/actors/merge", data={"source": "Moscow", "target": "Russia"})
    assert response.status_code == 303
    assert "Moscow" not in {a["name"] for a in list_actors(db)}
    html = client.get("/actors").get_data(as_text=True)
    assert "Moscow → Russia" in html
    assert 'aria-label="Undo the merge of Moscow into Russia"' in html  # which one, by ear
    merge_id = next(db.query("select id from actor_merges"))["id"]
    assert client.post(f"/actors/merges/{merge_id}/undo").status_code == 303
    assert "Moscow" in {a["name"] for a in list_actors(db)}
    empty = client.post("/actors/merge", data={"source": "", "target": "x"})
    assert empty.status_code == 400 and "Merge: This field is required." in empty.get_data(True)
    [source, target] = re.findall(r"<input[^>]*list=\"actor-names\"[^>]*>", empty.get_data(True))
    assert 'aria-invalid="true"' in source and 'aria-describedby="merge-errors"' in source
    assert "aria-invalid" not in target  # the field that was fine


def test_a_refused_merge_answers_with_the_page_the_names_kept_and_the_reason(client, db):
    before = mentions_by_actor(db)
    response = client.post("/actors/merge", data={"source": "Atlantis", "target": "Russia"})
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and "no actor called &#39;Atlantis&#39;" in html
    assert 'value="Atlantis"' in html and 'value="Russia"' in html
    assert html.count('aria-describedby="merge-errors"') == 2  # the pair of names was refused
    assert mentions_by_actor(db) == before and db.table("actor_merges").count == 0


def test_a_merge_is_applied_to_every_later_import_until_undone(app, db, tmp_path):
    from annotator.ingest import import_file
    from annotator.store.corpus import project_aliases

    from .conftest import write

    merge_id = merge_actors(db, "Moscow", "Russia")
    merge_actors(db, "Russia", "Russian Federation")  # the earlier alias follows
    assert project_aliases(db) == {"Moscow": "Russian Federation", "Russia": "Russian Federation"}
    path = write(tmp_path / "later.txt", "Moscow said on Monday that talks with Kyiv would go on.")
    import_file(db, path, "auto", ["favor", "against", "neutral"])
    names = {a["name"] for a in list_actors(db)}
    assert "Moscow" not in names and "Russian Federation" in names
    from .conftest import signed_in

    html = signed_in(app, "lena", "lead").get("/actors").get_data(as_text=True)
    assert "Aliases later imports apply" in html and "Moscow → Russian Federation" in html
    before_undo = list_actors(db)
    undo_merge(db, merge_id)
    assert "Moscow" not in project_aliases(db)
    # the later import's "Moscow" goes back too, as the import would have named it
    later = next(
        db.query(
            """select ac.name, ac.kind from mentions m join actors ac on ac.id = m.actor_id
               join documents d on d.id = ac.document_id
               where d.title like 'Later%' and m.text = 'Moscow'"""
        )
    )
    assert later["name"] == "Moscow" and later["kind"] is not None
    assert sum(a["mentions"] for a in list_actors(db)) == sum(a["mentions"] for a in before_undo)
    merge_again = merge_actors(db, "Moscow", "Russian Federation")
    undo_merge(db, merge_again)  # a merge made after the import: its moves were recorded as usual
    assert "Moscow" in {a["name"] for a in list_actors(db)}


def mentions_by_actor(db) -> dict[str, set[int]]:
    by_actor: dict[str, set[int]] = {}
    for row in db.query(
        "select ac.name, m.id from mentions m join actors ac on ac.id = m.actor_id"
    ):
        by_actor.setdefault(row["name"], set()).add(row["id"])
    return by_actor


@pytest.mark.parametrize("order", [(0, 1), (1, 0)])
def test_chained_merges_undone_in_any_order_put_every_mention_and_alias_back(app, db, order):
    from annotator.store.corpus import project_aliases

    before = mentions_by_actor(db)
    merges = [
        merge_actors(db, "Moscow", "Russia"),
        merge_actors(db, "Russia", "Russian Federation"),
    ]
    undo_merge(db, merges[order[0]])
    if order[0] == 1:  # the later merge undone first: the earlier one's alias is as it was
        assert project_aliases(db) == {"Moscow": "Russia"}
        assert mentions_by_actor(db)["Russia"] == before["Russia"] | before["Moscow"]
    else:
        assert mentions_by_actor(db)["Moscow"] == before["Moscow"]
    undo_merge(db, merges[order[1]])
    assert project_aliases(db) == {}
    after = mentions_by_actor(db)
    assert after["Moscow"] == before["Moscow"] and after["Russia"] == before["Russia"]


@pytest.mark.parametrize("order", [(0, 1), (1, 0)])
def test_opposite_merges_undone_in_any_order_take_the_actors_apart(app, db, order):
    """Moscow into Russia, then Russia into Moscow: undoing both, in either order, gives each
    its own mentions back (undoing the older first used to leave all of them on Russia)."""
    from annotator.store.corpus import project_aliases

    before = mentions_by_actor(db)
    merges = [merge_actors(db, "Moscow", "Russia"), merge_actors(db, "Russia", "Moscow")]
    both = before["Moscow"] | before["Russia"]
    assert mentions_by_actor(db)["Moscow"] == both
    undo_merge(db, merges[order[0]])
    if order[0] == 0:  # the later merge stands: everything is still Moscow
        assert mentions_by_actor(db)["Moscow"] == both and "Russia" not in mentions_by_actor(db)
    else:  # the earlier one stands: everything is Russia
        assert mentions_by_actor(db)["Russia"] == both and "Moscow" not in mentions_by_actor(db)
    undo_merge(db, merges[order[1]])
    after = mentions_by_actor(db)
    assert after["Moscow"] == before["Moscow"] and after["Russia"] == before["Russia"]
    assert project_aliases(db) == {}


@pytest.mark.parametrize("order", list(itertools.permutations(range(3))))
def test_three_merges_undone_in_any_order_put_every_mention_back(app, db, order):
    """Moscow into Zed, Russia into Moscow, Moscow into Russia: undoing Moscow into Zed while
    the last stands carries Moscow's mention to Russia; undoing that last merge afterwards
    must bring it back too (it used to stay on Russia)."""
    from annotator.store.corpus import project_aliases

    before = mentions_by_actor(db)
    merges = [
        merge_actors(db, "Moscow", "Zed"),
        merge_actors(db, "Russia", "Moscow"),
        merge_actors(db, "Moscow", "Russia"),
    ]
    for index in order:
        undo_merge(db, merges[index])
    after = mentions_by_actor(db)
    assert after["Moscow"] == before["Moscow"] and after["Russia"] == before["Russia"]
    assert "Zed" not in after and project_aliases(db) == {}


def test_a_mention_moved_by_hand_between_merges_goes_back_where_the_hand_put_it(app, db):
    from annotator.store.mention_edits import reassign_mention

    before = mentions_by_actor(db)
    moscow = min(before["Moscow"])
    first = merge_actors(db, "Moscow", "Russia")
    undo_merge(db, first)
    reassign_mention(db, "ana", moscow, "Kremlin", lead=True)  # by hand, between the merges
    second = merge_actors(db, "Kremlin", "Russia")
    undo_merge(db, second)
    after = mentions_by_actor(db)
    assert after["Kremlin"] == {moscow} and after["Moscow"] == before["Moscow"] - {moscow}


def test_an_undone_merge_keeps_its_id_so_a_stale_undo_is_refused(client, db):
    first = merge_actors(db, "Moscow", "Russia")
    assert client.post(f"/actors/merges/{first}/undo").status_code == 303
    second = merge_actors(db, "Vladimir Putin", "Putin")
    assert second != first
    stale = client.post(f"/actors/merges/{first}/undo")  # the button of a page opened before
    assert stale.status_code == 404 and "undone already" in stale.get_data(as_text=True)
    assert "Vladimir Putin" not in {a["name"] for a in list_actors(db)}  # the second stands
    assert "Moscow → Russia" not in client.get("/actors").get_data(as_text=True)


def test_a_merge_made_twice_is_refused_and_its_alias_goes_with_its_undo(app, db):
    from annotator.store.corpus import project_aliases

    first = merge_actors(db, "Moscow", "Russia")
    with pytest.raises(ActorError, match="'Moscow' is merged into 'Russia' already"):
        merge_actors(db, "Moscow", "Russia")
    undo_merge(db, first)
    assert project_aliases(db) == {}
    assert db.table("actor_merges").count == 1


def test_parallel_equal_merges_make_one(app, db):
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from .conftest import signed_in

    clients = [signed_in(app, "ana")] + [signed_in(app, f"lead{i}", "lead") for i in range(5)]
    start = threading.Barrier(len(clients), timeout=30)

    def merge(client):  # one client, hence one connection, per thread
        start.wait()
        return client.post("/actors/merge", data={"source": "Moscow", "target": "Russia"})

    with ThreadPoolExecutor(max_workers=len(clients)) as pool:
        responses = list(pool.map(merge, clients))
    statuses = [r.status_code for r in responses]
    assert sorted(statuses) == [303] + [409] * (len(clients) - 1)  # the others: Moscow is gone
    refusals = [r.get_data(as_text=True) for r in responses if r.status_code == 409]
    assert all("&#39;Moscow&#39; is merged into &#39;Russia&#39; already" in r for r in refusals)
    merges = list(db.query("select * from actor_merges"))
    assert len(merges) == 1 and json.loads(merges[0]["moves"])[0]["mentions"]


@pytest.mark.parametrize(
    "name", ["\u200b", "\u200b\u200c ", "\u202eniTuP", "Pu\u2066tin", "\x00Putin", "\x1b[31m"]
)
def test_invisible_and_reordering_names_are_refused(client, db, name):
    before = db.table("actor_merges").count, mentions_by_actor(db)
    for path, data in [
        ("/actors/merge", {"source": "Moscow", "target": name}),
        ("/actors/merge", {"source": name, "target": "Russia"}),
    ]:
        assert client.post(path, data=data).status_code == 400
    mention = next(db.query("select id from mentions order by id"))["id"]
    assert client.post(f"/mentions/{mention}/actor", data={"actor": name}).status_code == 400
    assert (db.table("actor_merges").count, mentions_by_actor(db)) == before
