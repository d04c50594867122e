"""Building the starter model (`models.starter`) and deciding whether a project uses it.

Building, once per models folder (by the worker, once per project under `annotator demo` or
`serve --starter`, or by `annotator predict --model starter`):

1. read NewsMTSC's train split from the package (`annotator/data/newsmtsc/`);
2. cross-validate the linear head on it (`cross_validation`: 5 folds, sentences whole):
   the estimate of its quality on news it never saw;
3. score the zero-shot default on the same labels: what the starter would replace;
4. fit the head on all of them and save it as `starter` beside the trained models.

Adopting, per project, follows the learning loop's rule (`learning.decide`, the project's
margin). A project with gold of its own scores the starter and the active model on that gold
(`learning.compare_with_active`: the starter learned none of it). Without enough gold, the
starter's cross-validated figure is set against the zero-shot default's on the same NewsMTSC
labels; another active model (a trained one, an NLI model) without a figure on them is kept.
A promoted starter re-labels the unreviewed mentions and becomes the active model.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable
from pathlib import Path

from sqlite_utils import Database

from annotator.cross_validation import cross_validate
from annotator.fine_tuning import example_key
from annotator.ingest.readers import read_newsmtsc
from annotator.learning import compare_with_active, decide
from annotator.metrics import classification_report
from annotator.models import Pair, load_model
from annotator.models.registry import DEFAULT_MODEL, trained_meta
from annotator.models.starter import STARTER_SPEC, TRAINED_SCHEME, starter_folder
from annotator.models.trained import LINEAR
from annotator.schemes import get_scheme
from annotator.store.database import project_scheme
from annotator.store.learning import promotion_margin
from annotator.training import Example, examples_from_db, train_model

PACKAGED_DATA = Path(__file__).parent / "data" / "newsmtsc" / "train.jsonl.gz"
DATA_NAME = "NewsMTSC train"


def starter_examples(path: Path | None = None) -> list[Example]:
    """The labelled mentions of NewsMTSC's train split (gzipped or plain JSON lines; the
    packaged copy unless `path` is given)."""
    path = Path(path or PACKAGED_DATA)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as lines:
        text = lines.read()
    scheme = get_scheme(TRAINED_SCHEME)
    return [
        Example(Pair(record.text, target.start, target.end, target.actor), target.label)
        for record in read_newsmtsc(str(path), text, scheme.label_names)
        for target in record.targets
    ]


def build_work(count: int) -> int:
    """Progress units of a build over `count` examples: the default's pass, cross-validation,
    the final fit."""
    return 3 * count


def build_starter(
    models_dir: Path,
    data: Path | None = None,
    on_progress: Callable[[int], None] | None = None,
    on_stage: Callable[[str], None] | None = None,
) -> dict:
    """Build the starter model in `models_dir` (replacing one built before); return its
    metadata, which holds its cross-validated figure and the default's on the same labels."""
    stage = on_stage or (lambda message: None)
    examples = starter_examples(data)
    scheme = get_scheme(TRAINED_SCHEME)
    stage(f"scoring the zero-shot default on {len(examples):,} {DATA_NAME} labels")
    default = load_model(DEFAULT_MODEL)
    predicted = [p.label for p in default.predict([e.pair for e in examples], scheme)]
    if on_progress:
        on_progress(len(examples))
    gold = [e.label for e in examples]
    default_f1 = classification_report(gold, predicted, scheme.label_names)["macro_f1"]
    stage(f"cross-validating the starter head on {len(examples):,} {DATA_NAME} labels")
    cv = cross_validate(examples, scheme, LINEAR, on_progress=on_progress)
    cv.pop("predicted")
    stage("training the starter head on every label")
    notes = {
        "data": DATA_NAME,
        "cv_macro_f1": cv["macro_f1"],
        "cv_spread": cv["spread"],
        "cv_folds": cv["folds"],
        "cv_scored": cv["scored"],
        "cv_per_label": cv["per_label"],
        "default_spec": default.spec,
        "default_macro_f1": round(default_f1, 4),
    }
    return train_model(
        examples, scheme, starter_folder(models_dir), LINEAR, on_progress=on_progress, notes=notes
    )


def adopt_starter(db: Database, models_dir: Path) -> tuple[bool, str]:
    """Decide, by the learning loop's rule, whether the built starter replaces the project's
    active model; return (promoted, the decision in words). Nothing is activated here: a
    promoted starter goes through `learning.relabel_unreviewed`."""
    meta = trained_meta(STARTER_SPEC, models_dir)
    if meta is None:
        raise ValueError("the starter model is not built yet")
    examples = examples_from_db(db)
    starter = load_model(STARTER_SPEC, models_dir)
    learned = starter.trained_on()  # a project of NewsMTSC sentences: not scored on those
    predicted = [
        None if example_key(e) in learned else p.label
        for e, p in zip(examples, starter.predict([e.pair for e in examples], project_scheme(db)))
    ]
    compared = compare_with_active(db, models_dir, examples, predicted, meta["cv_macro_f1"])
    if compared is not None and compared["basis"] != "same gold":
        active = compared["spec"]
        if active == meta["default_spec"]:
            compared = {
                "spec": active,
                "basis": DATA_NAME,
                "n": meta["cv_scored"],
                "active": meta["default_macro_f1"],
                "candidate": meta["cv_macro_f1"],
            }
        else:
            return False, f"kept {active}: no figure of it on {DATA_NAME} to compare with"
    return decide(compared, promotion_margin(db))
