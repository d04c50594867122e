"""The app keeps its queries fast as the corpus grows: planner statistics, chunked pre-labels."""

from annotator.ingest import import_file
from annotator.schemes import get_scheme
from annotator.store.statistics import refresh_statistics

from .conftest import SEED


def _analysed(db) -> set[str]:
    if not db["sqlite_stat1"].exists():
        return set()
    return {row["tbl"] for row in db.query("select distinct tbl from sqlite_stat1")}


def test_an_import_takes_statistics_and_a_small_one_after_it_does_not(db, tmp_path):
    assert _analysed(db) == set()
    import_file(db, SEED, "auto", get_scheme("stance").label_names)
    assert {"sentences", "mentions", "actors"} <= _analysed(db)
    taken_at = db.execute("select count(*) from sqlite_stat1").fetchone()[0]
    assert not refresh_statistics(db)  # the corpus has not doubled since
    assert db.execute("select count(*) from sqlite_stat1").fetchone()[0] == taken_at


def test_pre_labelling_reads_each_chunk_after_the_last_one(db, stub_model, monkeypatch):
    """Each chunk starts after the previous one's last mention, so its cost does not grow
    with the predictions already stored; every mention is still labelled exactly once."""
    import annotator.prelabel as prelabel_module
    from annotator.prelabel import prelabel

    import_file(db, SEED, "auto", get_scheme("stance").label_names)
    calls = []
    real = prelabel_module.unpredicted_mentions

    def spy(*args):
        rows = real(*args)
        calls.append((args[-1], [row["id"] for row in rows]))
        return rows

    monkeypatch.setattr(prelabel_module, "CHUNK", 7)
    monkeypatch.setattr(prelabel_module, "unpredicted_mentions", spy)
    done = prelabel(db, stub_model, get_scheme("stance"))
    mentions = db.table("mentions").count
    assert done == mentions == db.table("predictions").count
    assert calls[0][0] == 0 and calls[-1][1] == []
    for (_, previous), (after, _) in zip(calls, calls[1:]):
        assert after == previous[-1]
