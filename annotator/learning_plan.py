"""What one run of the learning loop will do, decided before it starts (and before a job is
queued, so that gold which cannot train a model is refused up front).

- The gold (the one definition in `store.gold`) and the method its size calls for.
- Whether the cross-encoder *continues* from the project's newest one (`fine_tuning`,
  `chain_start`): when it is a cross-encoder of this project's labels and the gold has grown
  by less than half since the chain last trained from the encoder.
- The gold held in (see `cross_validation`): what the active model learned, and what the
  cross-encoder the run continues from learned, when enough other gold is left to score; the
  candidate is compared with the active model only on gold neither of them saw.

A turn that adds 100 labels to 2,000 then takes minutes instead of half an hour on two cores;
past that growth, the loop trains from the encoder again, so rehearsal never carries a chain
for long.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlite_utils import Database

from annotator.cross_validation import (
    FOLDS,
    MIN_PER_FOLD,
    can_cross_validate,
    cross_validation_work,
    left_out_sizes,
)
from annotator.fine_tuning import (
    CONTINUED_EPOCHS,
    continued_size,
    default_epochs,
    fine_tune_work,
)
from annotator.learning_history import learning_history
from annotator.models.registry import parse_spec, trained_meta, training_keys
from annotator.models.trained import CROSS_ENCODER, HEAD_KIND, LINEAR, trained_on
from annotator.store.database import project_scheme
from annotator.store.prelabels import active_model
from annotator.store.reports import span_key
from annotator.training import Example, choose_method, examples_from_db
from annotator.wording import counted

MIN_COMPARED = 30  # fewer shared gold labels than this: compare cross-validated figures
# Continue while the gold is under this many times the last full training's. On NewsMTSC,
# 2,000 random train labels then ten turns of 100 scored 0.727 on devtest_mt against 0.739
# for a model trained from the encoder on the same 3,000: by half as much gold again, a
# chain trails by about 0.01 and is worth the half hour of training anew.
CHAIN_GROWTH = 1.5


class LearningError(ValueError):
    """The loop cannot run on this project's gold (too few labels, a single label, …)."""


@dataclass(frozen=True)
class LearningPlan:
    """What one run will train on: the gold, the method, which gold is held in, and the
    folder of the cross-encoder it continues from (None: from the encoder)."""

    examples: list[Example]
    method: str
    held_in: frozenset[int]
    continue_from: Path | None = None

    @property
    def work(self) -> int:
        """Progress units of the run: cross-validation, then training on all the gold."""
        count = len(self.examples)
        if self.continue_from is not None:
            return _continued_work(self.examples, self.held_in)
        final = count if self.method == LINEAR else fine_tune_work(count, default_epochs(count))
        return cross_validation_work(self.examples, self.method, self.held_in) + final


def _continued_work(examples: list[Example], held_in: frozenset[int]) -> int:
    count, learned = len(examples), len(held_in)
    work = count  # the companions' features first, once
    for left_out in left_out_sizes(examples, CROSS_ENCODER, held_in):
        trained = count - left_out  # what each fold's companion head learns from
        work += continued_size(trained - learned, learned) * CONTINUED_EPOCHS + trained + left_out
    return work + continued_size(count - learned, learned) * CONTINUED_EPOCHS + count


def plan_learning(db: Database, models_dir: Path, method: str = "auto") -> LearningPlan:
    """The plan of a run on the project's gold now; LearningError when it cannot train."""
    examples = examples_from_db(db)
    if len({e.label for e in examples}) < 2:
        raise LearningError(
            (
                f"{counted(len(examples), 'gold label')}, all {examples[0].label}"
                if examples
                else "no gold labels"
            )
            + ": nothing to learn yet (a model needs gold of two labels at least)"
        )
    method = choose_method(method, len(examples))
    if not can_cross_validate(len(examples), method):
        raise LearningError(
            f"{len(examples)} gold labels are too few to cross-validate "
            f"(at least {FOLDS[method] * MIN_PER_FOLD})"
        )
    active = active_model(db)
    seen = training_keys(active, models_dir) if active else frozenset()
    start = None
    if method == CROSS_ENCODER:
        start = chain_start(db, models_dir, len(examples))
        if start is not None:
            seen |= trained_on(start)
    held_in = frozenset(
        i
        for i, e in enumerate(examples)
        if span_key(e.pair.sentence, e.pair.start, e.pair.end) in seen
    )
    if len(examples) - len(held_in) < max(MIN_COMPARED, FOLDS[method] * MIN_PER_FOLD):
        # Too little new gold: plain folds and a cross-validated comparison. A continuation
        # would then be scored on gold its start learned, so the run trains from the encoder.
        held_in, start = frozenset(), None
    continue_from = start if held_in else None
    return LearningPlan(examples, method, held_in, continue_from)


def chain_start(db: Database, models_dir: Path, count: int) -> Path | None:
    """The folder of the cross-encoder a run on `count` gold labels continues from: the newest
    one of this project's (the active model, or the loop's newest even when it was not
    promoted: otherwise every turn after a cross-encoder that lost its comparison would train
    from the encoder again), when it can still be continued; None to train from the encoder."""
    candidates = learning_history(models_dir, db)
    active = active_model(db)
    meta = trained_meta(active, models_dir) if active else None
    if meta is not None:
        candidates.append({**meta, "spec": active})
    cross_encoders = [m for m in candidates if m.get("method") == CROSS_ENCODER]
    if not cross_encoders:
        return None
    newest = max(cross_encoders, key=lambda meta: meta.get("trained", ""))
    if not _can_continue(newest, count, project_scheme(db).label_names):
        return None
    return Path(models_dir) / parse_spec(newest["spec"])[1]


def _can_continue(meta: dict, count: int, labels: list[str]) -> bool:
    full = meta.get("full_examples", meta.get("examples"))
    return (
        meta.get("method") == CROSS_ENCODER
        and meta.get("head") == HEAD_KIND
        and meta.get("labels") == labels
        and full is not None
        and count < CHAIN_GROWTH * full
    )
