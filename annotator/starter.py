"""Building the starter model (`models.starter`) and deciding whether a project uses it.

Building, once per models folder (by the worker, once per project under `annotator demo` or
`serve --starter`, or by `annotator predict --model starter`):

1. read NewsMTSC's train split from the package (`annotator/data/newsmtsc/`) and hold a fifth
   of it out (sentences whole, labels spread evenly: `cross_validation.fold_of_examples`);
2. score the zero-shot default on the held-out fifth: what the starter would replace;
3. fine-tune the default's encoder with a mention-pooling head on the other four fifths
   (`fine_tuning`), reading each sentence once as the default does, so that pre-labelling
   with it costs what the default's does: one encoder pass per sentence, however many actors;
   the labels of sentences whose actors differ in label are read three times
   (`fine_tuning.STARTER_CONTRAST_REPEATS`): they teach the stance toward an actor, not the
   tone;
4. score it on the held-out fifth (the estimate of its quality on news it never saw);
5. save it as `starter` beside the trained models.

The fine-tuned encoder replaced a linear head on the default's frozen features (devtest_mt
macro-F1 0.726 for that head, trained on all of train; `benchmarks/README.md`). A fifth held
out instead of cross-validation: five fine-tunings would take an hour on two cores.

Adopting, per project, follows the learning loop's rule (`learning.decide`, the project's
margin). A project with gold of its own scores the starter and the active model on that gold
(`learning.compare_with_active`: the starter learned none of it). Without enough gold, the
starter's held-out figure is set against the zero-shot default's on the same NewsMTSC
labels; another active model (a trained one, an NLI model) without a figure on them is kept.
A promoted starter re-labels the mentions still to review and becomes the active model.
"""

from __future__ import annotations

import gzip
import json
import random
import shutil
import statistics
import tempfile
from collections.abc import Callable
from pathlib import Path

from sqlite_utils import Database

from annotator.cross_validation import fold_of_examples
from annotator.fine_tuning import (
    STARTER_CONTRAST_REPEATS,
    default_epochs,
    example_key,
    fine_tune_work,
)
from annotator.folders import replace_folder
from annotator.ingest.readers import read_newsmtsc
from annotator.learning import compare_with_active, decide
from annotator.learning_plan import MIN_COMPARED
from annotator.metrics import classification_report
from annotator.models import Pair, load_model
from annotator.models.registry import DEFAULT_MODEL, trained_meta
from annotator.models.starter import FOLDER_NAME, STARTER_SPEC, TRAINED_SCHEME, starter_folder
from annotator.models.trained import (
    CROSS_ENCODER,
    META_FILE,
    SENTENCE,
    open_trained,
)
from annotator.schemes import get_scheme
from annotator.store.database import project_scheme
from annotator.store.learning import promotion_margin
from annotator.training import Example, examples_from_db, train_model

PACKAGED_DATA = Path(__file__).parent / "data" / "newsmtsc" / "train.jsonl.gz"
DATA_NAME = "NewsMTSC train"
HELD_OUT_PARTS = 5  # a fifth is held out to score the starter on
BOOTSTRAP_ROUNDS = 200
# Progress steps per training label; a scored pair is one. Fine-tuning reads about 30
# examples a second on two cores (a label 1.2 times with its contrasts read again) where
# scoring takes 120-200 pairs a second, so counted alike, the held-out scoring that opens a
# build ran ahead of the bar and the time left that it extrapolated was a fraction of the
# truth for the first minutes.
TRAINING_STEPS = 5


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


def held_out_report(model, examples: list[Example], scheme) -> tuple[list[str], dict]:
    """`model`'s labels for `examples` and its classification report against their gold."""
    predicted = [p.label for p in model.predict([e.pair for e in examples], scheme)]
    gold = [e.label for e in examples]
    return predicted, classification_report(gold, predicted, scheme.label_names)


def bootstrap_spread(gold: list[str], predicted: list[str], labels: list[str]) -> float:
    """The standard deviation of macro-F1 over resamples of the held-out labels: how far the
    figure could move on another sample of the same size (the folds' spread, for one fold)."""
    rng = random.Random(0)
    indices = range(len(gold))
    figures = []
    for _ in range(BOOTSTRAP_ROUNDS):
        sample = rng.choices(indices, k=len(gold))
        report = classification_report(
            [gold[i] for i in sample], [predicted[i] for i in sample], labels
        )
        figures.append(report["macro_f1"])
    return round(statistics.pstdev(figures), 4)


def held_out(examples: list[Example]) -> list[bool]:
    """Which examples the build holds out to score the starter and the default on."""
    return [fold == 0 for fold in fold_of_examples(examples, HELD_OUT_PARTS)]


def build_work(examples: list[Example]) -> int:
    """Progress steps of a build: the two scorings of the held-out fifth (the default, the
    starter), a pair a step, and the fine-tuning, `TRAINING_STEPS` an example."""
    out = held_out(examples)
    trained = len(out) - sum(out)
    training = fine_tune_work(trained, default_epochs(trained), companion=False)
    return 2 * sum(out) + TRAINING_STEPS * training


def build_starter(
    models_dir: Path,
    data: Path | None = None,
    on_progress: Callable[[int], None] | None = None,
    on_stage: Callable[[str], None] | None = None,
) -> dict:
    """Build the starter model in `models_dir` (replacing one built before); return its
    metadata, which holds its held-out figure and the default's on the same labels."""
    stage = on_stage or (lambda message: None)
    progress = on_progress or (lambda count: None)
    examples = starter_examples(data)
    scheme = get_scheme(TRAINED_SCHEME)
    out = held_out(examples)
    scored = [e for e, o in zip(examples, out) if o]
    trained = [e for e, o in zip(examples, out) if not o]
    gold = [e.label for e in scored]
    stage(f"scoring the zero-shot default on {len(scored):,} held-out {DATA_NAME} labels")
    default = load_model(DEFAULT_MODEL)
    default_f1 = held_out_report(default, scored, scheme)[1]["macro_f1"]
    progress(len(scored))
    stage(f"fine-tuning the starter on {len(trained):,} {DATA_NAME} labels")
    models_dir = Path(models_dir)
    models_dir.mkdir(parents=True, exist_ok=True)
    # a folder of this build's own: two builds at once never touch each other's files
    scratch = Path(tempfile.mkdtemp(prefix=f".{FOLDER_NAME}-build-", dir=models_dir))
    try:
        building = scratch / FOLDER_NAME
        meta = train_model(
            trained,
            scheme,
            building,
            CROSS_ENCODER,
            on_progress=lambda count: progress(TRAINING_STEPS * count),
            contrast_repeats=STARTER_CONTRAST_REPEATS,
            reads=SENTENCE,
            companion=False,
        )
        stage(f"scoring the starter on the {len(scored):,} held-out labels")
        starter = open_trained(FOLDER_NAME, building)
        predicted, report = held_out_report(starter, scored, scheme)
        progress(len(scored))
        meta.update(
            {
                "name": FOLDER_NAME,
                "data": DATA_NAME,
                "cv_macro_f1": round(report["macro_f1"], 4),
                "cv_spread": bootstrap_spread(gold, predicted, scheme.label_names),
                "cv_folds": 1,
                "cv_scored": len(scored),
                "cv_per_label": {label: s["f1"] for label, s in report["per_label"].items()},
                "default_spec": default.spec,
                "default_macro_f1": round(default_f1, 4),
            }
        )
        (building / META_FILE).write_text(json.dumps(meta, indent=2), encoding="utf-8")
        replace_folder(building, starter_folder(models_dir))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return meta


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
    # Gold given beside the active model's pre-labels leans its way (people accept what they
    # are shown; while the starter builds, all of it is given beside the default's), so only
    # the rest is scored. Under MIN_COMPARED of those, the project's own gold says less than
    # the held-out NewsMTSC figure of 1,748.
    compared = compare_with_active(
        db, models_dir, examples, predicted, meta["cv_macro_f1"], unswayed=True
    )
    if compared is not None and (compared["basis"] != "same gold" or compared["n"] < MIN_COMPARED):
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
