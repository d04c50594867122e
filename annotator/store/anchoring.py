"""Anchoring control: hide pre-labels on a random share of items, to measure their pull.

Pre-labels push people toward accepting them. With the `hidden_share` setting above zero,
each annotator sees no pre-labels on that share of their sentences (chosen by a keyed hash,
so the choice is stable across visits and differs between annotators). Comparing how often
they accept a shown pre-label with how often they agree with a hidden one shows the pull.
"""

from __future__ import annotations

import hashlib
import secrets

from sqlite_utils import Database

from .database import get_setting, set_setting
from .prelabels import labelled_prediction_id

SHARE_SETTING, SALT_SETTING = "hidden_share", "hidden_salt"
MAX_SHARE = 0.5


def hidden_share(db: Database) -> float:
    """The share of items shown without pre-labels (0 when anchoring control is off)."""
    try:
        return min(max(float(get_setting(db, SHARE_SETTING) or 0), 0.0), MAX_SHARE)
    except ValueError:
        return 0.0


def set_hidden_share(db: Database, share: float) -> None:
    if not 0 <= share <= MAX_SHARE:
        raise ValueError(f"the hidden share must be between 0 and {MAX_SHARE}")
    set_setting(db, SHARE_SETTING, repr(float(share)))
    if get_setting(db, SALT_SETTING) is None:
        set_setting(db, SALT_SETTING, secrets.token_hex(8))


def labelled_beside_model(mention: str, model: str) -> str:
    """SQL: whether some label of the mention `mention` (SQL) was given beside a pre-label of
    the model `model` (SQL). Such gold leans toward that model: people accept what is shown."""
    return f"""exists (select 1 from annotations a join predictions q on q.id = a.prediction_id
          where a.mention_id = {mention} and q.model = {model})"""


def labelled_beside(db: Database, mention_ids: list[int], model: str) -> set[int]:
    """Those of the mentions that have a label given beside a pre-label of `model`."""
    found: set[int] = set()
    for at in range(0, len(mention_ids), 500):
        chunk = list(mention_ids[at : at + 500])
        marks = ",".join("?" for _ in chunk)
        rows = db.execute(
            f"select m.id from mentions m where m.id in ({marks})"
            f" and {labelled_beside_model('m.id', '?')}",
            [*chunk, model],
        )
        found.update(mention_id for (mention_id,) in rows)
    return found


def prelabels_hidden(db: Database, sentence_id: str, annotator: str) -> bool:
    """Whether this annotator sees this sentence without its pre-labels."""
    share = hidden_share(db)
    if share <= 0:
        return False
    key = f"{get_setting(db, SALT_SETTING) or ''}:{sentence_id}:{annotator}".encode()
    draw = int.from_bytes(hashlib.sha256(key).digest()[:8], "big") / 2**64
    return draw < share


def hide_predictions(mentions: list[dict]) -> list[dict]:
    """The mentions as an annotator without pre-labels sees them."""
    for mention in mentions:
        mention.update(
            predicted_id=None,
            predicted=None,
            predicted_score=None,
            predicted_scores=None,
            predicted_model=None,
            labelled_beside=None,
        )
    return mentions


def anchoring_by_annotator(db: Database) -> list[dict]:
    """Per annotator: how often a shown pre-label was kept, and how often a hidden one was
    matched anyway. A large gap means the pre-labels pull people toward them."""
    return list(
        db.query(
            f"""
            select a.annotator,
              sum(a.prelabel_shown = 1 and p.label is not null) as shown,
              avg(case when a.prelabel_shown = 1 and p.label is not null
                  then a.status = 'accepted' end) as accept_rate,
              sum(a.prelabel_shown = 0 and p.label is not null) as hidden,
              avg(case when a.prelabel_shown = 0 and p.label is not null
                  then a.label = p.label end) as hidden_agreement
            from annotations a
            left join predictions p on p.id = {labelled_prediction_id("a", "a.mention_id")}
            group by a.annotator
            having sum(a.prelabel_shown = 0) > 0
            order by a.annotator
            """
        )
    )
