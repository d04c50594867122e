"""Key presses for a full review of the seed article, replayed through the review code.

Two runs over a fresh database: every pre-label right, and every third pre-label wrong
(in document order). For each sentence the cheapest key sequence is replayed with the
same store functions the web app calls: number keys (or Tab) up to the last wrong actor,
the right number there, and Enter unless that number already saved the sentence. The
script checks that every sentence ends up reviewed with the intended labels.

    python benchmarks/keystrokes.py
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from annotator.ingest import import_file
from annotator.models import load_model
from annotator.prelabel import prelabel
from annotator.store import assignments, queue, review
from annotator.store.database import init_database, project_scheme

SEED = Path(__file__).resolve().parent.parent / "seeds" / "putin-visits-north-korea-and-vietnam.txt"


def replay(db, annotator: str, wrong_every: int | None) -> tuple[int, int]:
    """Review every sentence; return (key presses, wrong pre-labels corrected)."""
    labels = project_scheme(db).label_names
    keys = corrected = seen = 0
    while (sentence_id := queue.next_sentence_id(db, annotator)) is not None:
        mentions = queue.sentence_for_review(db, sentence_id, annotator)["mentions"]
        wrong = []
        for index, _ in enumerate(mentions):
            seen += 1
            if wrong_every and seen % wrong_every == 0:
                wrong.append(index)
        if not wrong:
            review.accept_sentence(db, annotator, sentence_id)
            keys += 1
            continue
        # One key per actor up to the last wrong one: Tab past a right pre-label, the
        # number key on a wrong one (which also moves focus on).
        keys += max(wrong) + 1
        finished = False
        for index in wrong:
            m = mentions[index]
            other = next(label for label in labels if label != m["predicted"])
            _, finished = review.record_label(db, annotator, m["id"], other, labels)
            corrected += 1
        if not finished:
            review.accept_sentence(db, annotator, sentence_id)
            keys += 1
    return keys, corrected


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        db = init_database(Path(folder) / "keys.db")
        assignments.set_overlap(db, 2)  # both runs review every sentence
        import_file(db, SEED, "txt", project_scheme(db).label_names)
        prelabel(db, load_model("embedding"), project_scheme(db))
        sentences = queue.review_progress(db, "x")["total"]
        mentions = db.table("mentions").count
        right, _ = replay(db, "all-right", None)
        third, corrected = replay(db, "third-wrong", 3)
        done = {
            r["annotator"]: r["n"]
            for r in db.query(
                "select annotator, count(*) as n from reviews "
                "where status = 'done' group by annotator"
            )
        }
    assert done == {"all-right": sentences, "third-wrong": sentences}, done
    print(f"seed article: {sentences} sentences with actors, {mentions} actor mentions")
    print(f"all pre-labels right:        {right} key presses ({right / mentions:.2f} per actor)")
    print(
        f"every third pre-label wrong: {third} key presses for {corrected} corrections "
        f"({third / mentions:.2f} per actor)"
    )


if __name__ == "__main__":
    main()
