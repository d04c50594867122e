"""Large corpora: the Stats page shows a snapshot computed by a background job."""

import pytest

from annotator.worker import JobQueue

from .conftest import signed_in


@pytest.fixture
def large(monkeypatch):
    monkeypatch.setattr("annotator.corpus_stats.LIVE_LIMIT", 0)  # the seed counts as large


def stats_jobs(db):
    return db.table("jobs").count_where("kind = 'stats'")


def test_small_corpora_are_counted_live(app, db):
    page = signed_in(app, "lea", "lead").get("/stats").get_data(as_text=True)
    assert "Vladimir Putin" in page and "Figures as of" not in page
    assert stats_jobs(db) == 0


def test_a_large_corpus_gets_a_snapshot_then_shows_it(app, db, db_path, large):
    lead = signed_in(app, "lea", "lead")
    page = lead.get("/stats").get_data(as_text=True)
    assert "being computed in the background" in page and "Vladimir Putin" not in page
    lead.get("/stats")
    assert stats_jobs(db) == 1  # one job, however often the page is opened
    JobQueue(db_path).run_pending()
    page = lead.get("/stats").get_data(as_text=True)
    assert "Figures as of" in page and "Vladimir Putin" in page
    assert "a fresh count is on its way" not in page and stats_jobs(db) == 1


def test_an_old_snapshot_is_shown_while_a_fresh_one_is_computed(app, db, db_path, large):
    lead = signed_in(app, "lea", "lead")
    lead.get("/stats")
    JobQueue(db_path).run_pending()
    db.execute("update snapshots set created = '2020-01-01T00:00:00.000+00:00'")
    db.conn.commit()
    page = lead.get("/stats").get_data(as_text=True)
    assert "Figures as of 2020-01-01 00:00" in page and "a fresh count is on its way" in page
    assert stats_jobs(db) == 2
