"""Counts behind the pictures, and the pages that draw them."""

from annotator.store import review
from annotator.store.stats import actor_stances, label_totals, progress_by_day

from .conftest import FIRST


def test_actor_stances_count_gold_and_predicted_labels(app, db):
    putin = next(a for a in actor_stances(db) if a["actor"] == "Vladimir Putin")
    assert putin["predicted"] == {"favor": putin["mentions"]} and putin["gold"] == {}
    review.accept_sentence(db, "ana", FIRST)
    putin = next(
        a
        for a in actor_stances(db, "putin-visits-north-korea-and-vietnam")
        if a["actor"] == "Vladimir Putin"
    )
    assert putin["gold"] == {"favor": 1}
    ranked = [a["mentions"] for a in actor_stances(db)]
    assert ranked == sorted(ranked, reverse=True) and len(ranked) <= 15


def test_label_totals_and_progress(app, db):
    review.accept_sentence(db, "ana", FIRST)
    totals = label_totals(db)
    mentions = db.table("mentions").count
    assert totals["predicted"] == {"favor": mentions}
    assert sum(totals["gold"].values()) == len(
        list(db.query("select 1 from mentions where sentence_id = ?", [FIRST]))
    )
    progress = progress_by_day(db)
    assert progress["top"] == 1 and list(progress["series"]) == ["ana"]
    assert progress["series"]["ana"][0][1] == 1 and len(progress["days"]) == 1


def test_stats_and_document_pages_draw_the_charts(client, db):
    client.post(f"/sentences/{FIRST}/accept")
    html = client.get("/stats").get_data(as_text=True)
    assert 'aria-label="Actor stance map, all documents"' in html
    assert "<rect" in html and "<circle" in html and "Vladimir Putin" in html
    page = client.get("/documents/putin-visits-north-korea-and-vietnam").get_data(as_text=True)
    assert 'aria-label="Actor stance map"' in page and "<details>" in page


def test_decision_time_is_recorded_and_pauses_are_left_out(app, db):
    from annotator.store.decision_log import seconds_taken
    from annotator.store.stats import annotator_speed

    first = next(db.query("select id from mentions order by id"))["id"]
    review.record_label(db, "ana", first, "against", ["favor", "against", "neutral"])
    review.accept_sentence(db, "ana", FIRST)
    seconds = [row["seconds"] for row in db.query("select seconds from decisions order by id")]
    assert seconds[0] is None and seconds[1] is not None and 0 <= seconds[1] < 60
    [speed] = annotator_speed(db)
    assert (speed["annotator"], speed["decisions"], speed["reviewed"]) == ("ana", 2, 1)
    assert seconds_taken("2026-01-01T10:00:00+00:00", "2026-01-01T10:00:02.5+00:00") == 2.5
    assert seconds_taken("2026-01-01T10:00:00+00:00", "2026-01-01T11:00:00+00:00") is None


def test_a_person_named_by_surname_alone_elsewhere_counts_as_one_actor(app, db, tmp_path):
    from annotator.ingest import import_file

    from .conftest import write

    before = next(a for a in actor_stances(db) if a["actor"] == "Vladimir Putin")["mentions"]
    later = write(tmp_path / "later.txt", "Putin said on Friday that the talks would go on.")
    import_file(db, later, "auto", ["favor", "against", "neutral"])
    names = {a["actor"]: a["mentions"] for a in actor_stances(db, top=100)}
    assert "Putin" not in names and names["Vladimir Putin"] == before + 1
    # within that document it is still written as it was
    assert (
        db.execute(
            "select count(*) from actors where name = 'Putin' and document_id != ?",
            ["putin-visits-north-korea-and-vietnam"],
        ).fetchone()[0]
        == 1
    )
