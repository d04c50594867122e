"""The learning loop: train on the project's gold, say honestly how good the result is, and
let it pre-label only when it beats the model annotators see now.

One run (`annotator learn`, Train now, or by itself every N gold labels):

1. read the gold labels (the one definition in `store.gold`);
2. pick the method by their number (`training.choose_method`);
3. cross-validate that method on them (`cross_validation`): the estimate of its quality on
   text nobody has labelled, with its spread and per-label figures. When the active model
   (or the cross-encoder the run continues from) was trained on part of this gold, that part
   is held in (every fold trains on it) and the folds split only the gold neither saw;
4. score the active model on the same gold: the gold it was not trained on, against the new
   method's out-of-fold predictions of exactly those labels; when too few are left (a model
   trained on almost all of them), its own cross-validated figure is the comparison;
5. train the new model on all the gold (a cross-encoder may continue from the project's
   newest one: see `learning_plan`) and save it with these figures;
6. promote it when it is better by the project's margin, else keep it only to compare.

A promoted model then re-labels the mentions still to review (`relabel_unreviewed`) and becomes
active once they all have its pre-label, so the pre-labels still to decide on a card never come
from two models (a label given keeps the pre-label it was made beside).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlite_utils import Database

from annotator.cross_validation import cross_validate
from annotator.learning_plan import MIN_COMPARED, LearningError, LearningPlan, plan_learning
from annotator.metrics import classification_report
from annotator.models import load_model
from annotator.models.registry import trained_meta, training_keys
from annotator.prelabel import prelabel
from annotator.store.anchoring import labelled_beside
from annotator.store.database import project_scheme
from annotator.store.learning import project_id, promotion_margin, record_learned
from annotator.store.prelabels import active_model, set_active_model, shown_labels
from annotator.store.priority import refresh_stale_margins
from annotator.store.reports import span_key
from annotator.training import train_model
from annotator.wording import counted

LEARNED_PREFIX = "learned-"


def learn(
    db: Database,
    models_dir: Path,
    method: str = "auto",
    seed: int = 0,
    on_progress: Callable[[int], None] | None = None,
    on_stage: Callable[[str], None] | None = None,
    plan: LearningPlan | None = None,
) -> dict:
    """Run the loop once; return the new model's metadata (spec, figures, decision).

    Nothing is activated here: see `relabel_unreviewed` for a promoted model.
    """
    stage = on_stage or (lambda message: None)
    plan = plan or plan_learning(db, models_dir, method)
    examples, method = plan.examples, plan.method
    scheme = project_scheme(db)
    stage(f"cross-validating {method} on {counted(len(examples), 'gold label')}")
    try:
        cv = cross_validate(
            examples, scheme, method, seed, on_progress, plan.held_in, plan.continue_from
        )
    except ValueError as error:
        raise LearningError(str(error)) from None
    predicted = cv.pop("predicted")
    compared = compare_with_active(db, models_dir, examples, predicted, cv["macro_f1"])
    margin = promotion_margin(db)
    promoted, decision = decide(compared, margin)
    name = _free_name(models_dir, LEARNED_PREFIX + datetime.now(UTC).strftime("%Y%m%d-%H%M%S"))
    stage(f"training {name} ({method}) on every gold label")
    notes = {
        "cv_macro_f1": cv["macro_f1"],
        "cv_spread": cv["spread"],
        "project": project_id(db),
        "cv_folds": cv["folds"],
        "cv_scored": cv["scored"],
        "cv_fold_f1": cv["fold_f1"],
        "cv_per_label": cv["per_label"],
        "compared_with": compared,
        "margin": margin,
        "promoted": promoted,
        "decision": decision,
    }
    meta = train_model(
        examples,
        scheme,
        models_dir / name,
        method,
        seed=seed,
        on_progress=on_progress,
        notes=notes,
        continue_from=plan.continue_from,
    )
    record_learned(db, len(examples))
    return {**meta, "spec": f"trained:{name}"}


def _free_name(models_dir: Path, name: str) -> str:
    """`name`, or `name-2`, `name-3`, … when a model of that name exists: two projects in one
    folder may learn in the same second, and one must not replace the other's model."""
    taken, n = name, 1
    while (Path(models_dir) / taken).exists():
        n += 1
        taken = f"{name}-{n}"
    return taken


def compare_with_active(
    db: Database,
    models_dir: Path,
    examples: list,
    predicted: list[str],
    cv_macro_f1: float,
    unswayed: bool = False,
) -> dict | None:
    """The active model and the candidate scored on the same gold: the gold neither learned
    (`predicted` is None where the candidate's folds held it in); None with no active model.
    `unswayed`: only gold given without the active model's pre-labels beside it (labels given
    beside them lean their way), for a candidate from elsewhere that no gold of the project
    could lean toward.

    Returns spec, basis ("same gold" or "cross-validation"), n, active and candidate
    (macro-F1 each).
    """
    spec = active_model(db)
    if spec is None:
        return None
    labels = project_scheme(db).label_names
    seen = training_keys(spec, models_dir)
    unseen = [
        i
        for i, e in enumerate(examples)
        if predicted[i] is not None  # None: held in, learned by the run's starting model
        and span_key(e.pair.sentence, e.pair.start, e.pair.end) not in seen
    ]
    shown = shown_labels(db, [examples[i].mention_id for i in unseen])
    scored = [i for i in unseen if examples[i].mention_id in shown]
    if unswayed:
        swayed = labelled_beside(db, [examples[i].mention_id for i in scored], spec)
        scored = [i for i in scored if examples[i].mention_id not in swayed]
    # Few labels are still a fair comparison when they are all the gold there is (an active
    # model that learned none of it, such as the zero-shot default): the candidate's figure
    # comes from those same labels.
    if len(scored) >= MIN_COMPARED or (scored and len(scored) == len(examples)):
        gold = [examples[i].label for i in scored]
        shown_now = [shown[examples[i].mention_id] for i in scored]
        active = classification_report(gold, shown_now, labels)
        candidate = classification_report(gold, [predicted[i] for i in scored], labels)
        return {
            "spec": spec,
            "basis": "same gold",
            "n": len(scored),
            "active": active["macro_f1"],
            "candidate": candidate["macro_f1"],
        }
    meta = trained_meta(spec, models_dir) or {}
    return {
        "spec": spec,
        "basis": "cross-validation",
        "n": meta.get("examples", 0),
        "active": meta.get("cv_macro_f1"),
        "candidate": cv_macro_f1,
    }


def decide(compared: dict | None, margin: float) -> tuple[bool, str]:
    """Whether the candidate replaces the active model, and why, in words."""
    if compared is None:
        return True, "promoted: no model was active"
    if compared["active"] is None:
        return True, f"promoted: {compared['spec']} has no figure to compare with"
    # At the precision the decision is shown with: "+0.010 is less than the margin 0.010"
    # would read as a mistake.
    gain = round(compared["candidate"] - compared["active"], 3)
    if compared["basis"] == "same gold":
        on = f"on the same {counted(compared['n'], 'gold label')}"
    elif compared["basis"] == "cross-validation":
        on = "cross-validated"
    else:  # labels of another data set, the candidate's figure cross-validated on them
        on = f"on the same {counted(compared['n'], compared['basis'] + ' label')}"
    figures = (
        f"macro-F1 {compared['candidate']:.3f} against {compared['active']:.3f} "
        f"for {compared['spec']} {on}"
    )
    if gain >= margin:
        return True, f"promoted: {figures}, better by {gain:+.3f} (margin {margin:.3f})"
    return False, f"not promoted: {figures}, {gain:+.3f} is less than the margin {margin:.3f}"


def relabel_unreviewed(
    db: Database,
    models_dir: Path,
    spec: str,
    batch_size: int = 64,
    on_progress: Callable[[int], None] | None = None,
) -> int:
    """Pre-label every mention still to review with the promoted model, then make it active.

    Interrupted, it resumes where it stopped (only mentions without its pre-label are
    predicted); reviewed decisions keep the pre-label they were made beside.
    """
    model = load_model(spec, models_dir)
    count = prelabel(db, model, project_scheme(db), batch_size, on_progress, unreviewed=True)
    if set_active_model(db, spec):
        refresh_stale_margins(db)  # the uncertainty order follows the new model
    return count


def describe(meta: dict) -> str:
    """One line for the job page and the command line: figures and the decision."""
    per_label = ", ".join(f"{label} {f1:.2f}" for label, f1 in meta["cv_per_label"].items())
    scored = meta.get("cv_scored", meta["examples"])
    of = f" of the {scored} the previous model never saw" if scored < meta["examples"] else ""
    continued = f", continued from {meta['continued_from']}" if meta.get("continued_from") else ""
    return (
        f"{meta['spec']} ({meta['method']}, {counted(meta['examples'], 'gold label')}"
        f"{continued}): "
        f"cross-validated macro-F1 {meta['cv_macro_f1']:.3f} ± {meta['cv_spread']:.3f} "
        f"over {meta['cv_folds']} folds{of} ({per_label}); {meta['decision']}"
    )
