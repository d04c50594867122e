"""Query planner statistics, kept current by the app itself.

Without statistics SQLite guesses how selective each index is, and at a million sentences
it guesses wrong for the review queue (a claim in document order took seconds). After a
write that changes the corpus a lot (an import), the statistics are refreshed when the
sentence count has doubled since they were last taken, or when the database has none (never
taken, or lost: a copy made without them, a restore). The analysis
is approximate (`analysis_limit`), so it costs milliseconds even on a large database.
"""

from __future__ import annotations

from sqlite_utils import Database

from .database import get_setting, set_setting

ANALYSED_AT_SETTING = "statistics_sentences"
ANALYSIS_LIMIT = 1000  # rows read per index: SQLite's recommended range is 100 to 1000


def refresh_statistics(db: Database) -> bool:
    """Re-take the planner statistics if the corpus has doubled since the last time; return
    whether they were taken. Safe inside a transaction (an import's own)."""
    sentences = db.execute("select max(rowid) from sentences").fetchone()[0] or 0
    analysed_at = int(get_setting(db, ANALYSED_AT_SETTING) or 0)
    if sentences == 0 or (sentences < 2 * analysed_at and _has_statistics(db)):
        return False
    db.execute(f"PRAGMA analysis_limit = {ANALYSIS_LIMIT}")
    db.execute("ANALYZE")
    set_setting(db, ANALYSED_AT_SETTING, str(sentences))
    return True


def _has_statistics(db: Database) -> bool:
    """Whether the planner has statistics to go by (`ANALYZE` has been run and kept)."""
    if not db.execute(
        "select 1 from sqlite_master where type = 'table' and name = 'sqlite_stat1'"
    ).fetchone():
        return False
    return db.execute("select 1 from sqlite_stat1 limit 1").fetchone() is not None
