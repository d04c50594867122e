"""One annotator far ahead of the others with k = 2: serving their next item stays flat.

    python benchmarks/queue_ahead.py --sentences 100000 --ahead 20000

With k >= 2 the sentences an annotator already did keep a free place until someone else
takes it, so a walk of the queue from its start passes all of them. The queue starts each
walk at the annotator's mark instead (`store/queue_walk.py`). This builds (or reuses) a
database with scale.py's builder, sets the overlap to 2, and lets one annotator per queue
order accept sentences alone, timing every next item (the store calls the review page makes);
it prints p50/p95 per stretch, and at the end what one walk from the start of the order costs
there, which is what every claim cost before the marks.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import scale

from annotator.store import assignments, queue, queue_walk, review
from annotator.store.database import connect


def work_ahead(path: Path, order: str, ahead: int, stretch: int) -> None:
    db = connect(path)
    annotator = f"ahead-{order}"
    k = assignments.overlap(db)
    before = queue.reviewed_count(db, annotator)  # from an earlier run on this database
    times: list[float] = []
    for n in range(before + 1, before + ahead + 1):
        started = time.perf_counter()
        sentence_id = queue.next_sentence_id(db, annotator, order)
        queue.sentence_for_review(db, sentence_id, annotator)
        times.append(time.perf_counter() - started)
        review.accept_sentence(db, annotator, sentence_id)
        if (n - before) % stretch == 0:
            print(
                f"{order:<12} sentences {n - stretch + 1:>7,}-{n:<7,} next item"
                f" p50 {1000 * scale.percentile(times, 0.5):6.2f} ms"
                f"   p95 {1000 * scale.percentile(times, 0.95):6.2f} ms",
                flush=True,
            )
            times = []
    walks = []
    for _ in range(20):
        started = time.perf_counter()
        queue_walk.first_free(db, annotator, order, k, since=-1)  # no mark has that counter
        walks.append(time.perf_counter() - started)
    print(
        f"{order:<12} after {before + ahead:,}: one walk from the start of the order"
        f" p50 {1000 * scale.percentile(walks, 0.5):.1f} ms (every claim, without the marks)"
    )
    db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=100_000)
    parser.add_argument("--db", type=Path, default=Path("/tmp/annotator-ahead.db"))
    parser.add_argument("--ahead", type=int, default=20_000, help="sentences each accepts")
    parser.add_argument("--stretch", type=int, default=5_000, help="sentences per figure")
    args = parser.parse_args()
    if not args.db.exists():
        scale.build(args.db, args.sentences)
    db = connect(args.db)
    assignments.set_overlap(db, 2)
    total = queue.sentences_with_actors(db)
    db.close()
    print(f"{args.db}: {total:,} sentences, k = 2, one annotator alone in each order")
    for order in queue.ORDERS:
        work_ahead(args.db, order, args.ahead, args.stretch)


if __name__ == "__main__":
    main()
