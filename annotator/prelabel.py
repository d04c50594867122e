"""Pre-labelling: run a model over every mention it has not labelled yet and store the results."""

from __future__ import annotations

from collections.abc import Callable

from sqlite_utils import Database

from annotator.models import Pair, StanceModel
from annotator.schemes import Scheme
from annotator.store.predictions import count_unpredicted, save_predictions, unpredicted_mentions
from annotator.wording import counted

# Mentions fetched per round: large enough to share hypothesis work across pairs, small
# enough that an interrupted run keeps most of its results.
CHUNK = 512


def pending_count(
    db: Database,
    model: StanceModel,
    scheme: Scheme,
    documents: list[str] | None = None,
    unreviewed: bool = False,
) -> int:
    """How many mentions `prelabel` would predict."""
    version = model.template_version(scheme)
    return count_unpredicted(db, model.spec, version, documents, unreviewed)


def prelabel_summary(count: int, spec: str) -> str:
    """What a pre-labelling run did, in words; a run that found nothing to do says why."""
    if not count:
        return f"nothing to do: every mention already has a pre-label from {spec}"
    return f"pre-labelled {counted(count, 'mention')} with {spec}"


def prelabel(
    db: Database,
    model: StanceModel,
    scheme: Scheme,
    batch_size: int = 64,
    on_progress: Callable[[int], None] | None = None,
    documents: list[str] | None = None,
    unreviewed: bool = False,
) -> int:
    """Predict and store a label for each mention without one from `model`; return the count.

    With `documents`, only their mentions: an import labels what it brought, not every
    mention of the project that this model has not seen. With `unreviewed`, only mentions
    still to review: labelled by fewer than the project's k annotators, and not adjudicated
    (what a newly promoted model re-labels).
    """
    version = model.template_version(scheme)
    done = last = 0
    while rows := unpredicted_mentions(
        db, model.spec, version, CHUNK, documents, last, unreviewed=unreviewed
    ):
        last = rows[-1]["id"]
        predictions = model.predict([pair_of(row) for row in rows], scheme, batch_size)
        store_chunk(db, model.spec, version, [row["id"] for row in rows], predictions)
        done += len(rows)
        if on_progress:
            on_progress(len(rows))
    return done


def pair_of(row: dict) -> Pair:
    """The model's input for a mention row of `unpredicted_mentions`."""
    return Pair(row["sentence"], row["start"], row["end"], row["actor"])


def store_chunk(
    db: Database, spec: str, version: str, mention_ids: list[int], predictions: list
) -> None:
    """Store one chunk's predictions in one transaction: a run stopped at any point keeps
    every chunk it finished, and the next run does only the rest (whichever engine ran)."""
    save_predictions(
        db,
        (
            {
                "mention_id": mention_id,
                "model": spec,
                "template_version": version,
                "label": p.label,
                "score": p.score,
                "scores": p.scores,
            }
            for mention_id, p in zip(mention_ids, predictions)
        ),
    )
