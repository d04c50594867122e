"""The app keeps the query planner's statistics current itself, after imports."""

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

