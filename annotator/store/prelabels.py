"""The pre-label an annotator is shown: the active model's prediction, and nothing else.

A project has one **active model**, chosen explicitly (Settings, `annotator models use`);
the first model that pre-labels a project becomes active by itself. Running any other
model only adds predictions to compare (the Models page, the diff): the review card keeps
showing the active model's. Each label records the prediction that was shown beside it
(`annotations.prediction_id`), so its status (accepted / corrected) stays true whatever
model runs later.
"""

from __future__ import annotations

from sqlite_utils import Database

from .database import first_row, get_setting, set_setting
from .imports import published_sentence
from .review_states import REQUEUED

ACTIVE_MODEL_SETTING = "active_model"


def shown_prediction_id(mention: str) -> str:
    """SQL for the id of the prediction shown for the mention whose id is the SQL `mention`:
    the active model's newest prediction of it (its latest template version)."""
    return f"""(select max(id) from predictions
      where mention_id = {mention}
        and model = (select value from settings where key = '{ACTIVE_MODEL_SETTING}'))"""


def labelled_prediction_id(annotation: str, mention: str) -> str:
    """SQL for the prediction shown beside a label: the one recorded with the annotation
    `annotation` (a table alias, possibly of a left join), else what is shown now."""
    return f"""(case when {annotation}.prediction_id is not null
      then {annotation}.prediction_id else {shown_prediction_id(mention)} end)"""


def card_prediction_id(annotation: str, review: str, mention: str) -> str:
    """SQL for the prediction an annotator's card shows beside their label: while their review
    of the sentence is requeued (`review`, a table alias of a left join, is sent back because
    a newer model disagrees), the one shown now, which is what they are asked to look at
    again; otherwise the one recorded with their label (see `labelled_prediction_id`)."""
    return f"""(case when {review}.status = '{REQUEUED}'
      then {shown_prediction_id(mention)} else {labelled_prediction_id(annotation, mention)} end)"""


def shown_token(mentions: list[dict]) -> str:
    """What a card shows for the actors its accept would label from their pre-labels:
    "mention id:pre-label" of each unlabelled actor (empty after the colon without one).
    The card sends it back with each decision that may finish the sentence."""
    return ",".join(f"{m['id']}:{m['predicted'] or ''}" for m in mentions if m["label"] is None)


def parse_shown(token: str) -> dict[int, str]:
    """The inverse of `shown_token`; a ValueError for anything else."""
    shown: dict[int, str] = {}
    for item in filter(None, token.split(",")):
        mention, _, label = item.partition(":")
        if not mention.isdigit() or not _:
            raise ValueError(f"not mention id:label: {item[:40]!r}")
        shown[int(mention)] = label
    return shown


def active_model(db: Database) -> str | None:
    """The spec of the model whose pre-labels annotators see, or None before any prediction."""
    return get_setting(db, ACTIVE_MODEL_SETTING)


def prelabelling_model(db: Database, default: str) -> str:
    """The model that pre-labels new text: the active one, whose pre-labels the review cards
    show (another model's would be hidden there); `default` for a project that has none."""
    return active_model(db) or default


def set_active_model(db: Database, spec: str) -> bool:
    """Show `spec`'s pre-labels from now on (labels already given keep what they were shown);
    True when that changed anything. May run in the caller's transaction.

    The queue's uncertainty order follows: every sentence's margin is marked stale here, and
    the caller then has them read again, in short transactions outside its own (at once with
    `priority.refresh_stale_margins`, or by the worker: the web app queues a job)."""
    from .priority import mark_margins_stale

    if spec == active_model(db):
        return False
    with db.atomic():
        set_setting(db, ACTIVE_MODEL_SETTING, spec)
        mark_margins_stale(db)
    return True


def activate_first_model(db: Database, spec: str) -> None:
    """Make `spec` the active model when the project has none yet."""
    from .priority import refresh_priority_of_mentions

    with db.atomic():
        activated = db.execute(
            "insert or ignore into settings (key, value) values (?, ?)",
            [ACTIVE_MODEL_SETTING, spec],
        ).rowcount
        if activated:  # the model's predictions stored so far become the shown ones
            mentions = db.execute("select mention_id from predictions where model = ?", [spec])
            refresh_priority_of_mentions(db, (mention_id for (mention_id,) in mentions))


def shown_labels(db: Database, mention_ids: list[int]) -> dict[int, str]:
    """The label of the pre-label shown for each of these mentions that has one."""
    found: dict[int, str] = {}
    for i in range(0, len(mention_ids), 500):
        chunk = list(mention_ids[i : i + 500])
        marks = ",".join("?" for _ in chunk)
        for row in db.query(
            f"""select m.id, p.label from mentions m
                join predictions p on p.id = {shown_prediction_id("m.id")}
                where m.id in ({marks})""",
            chunk,
        ):
            found[row["id"]] = row["label"]
    return found


def mentions_without_prelabel(db: Database, spec: str) -> int:
    """How many mentions `spec` has not pre-labelled (shown without a pre-label if active)."""
    row = first_row(
        db,
        f"""select count(*) as n from mentions m where {published_sentence("m.sentence_id")}
           and not exists (
             select 1 from predictions p where p.mention_id = m.id and p.model = ?)""",
        [spec],
    )
    return row["n"]


def model_specs(db: Database) -> list[dict]:
    """Every model with predictions in the project: spec, predictions, first and last run."""
    return list(
        db.query(
            """
            select model as spec, count(*) as predictions, min(created) as first_run,
              max(created) as last_run
            from predictions group by model order by min(id)
            """
        )
    )
