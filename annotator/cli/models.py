"""`annotator models`: the project's models with their figures, and which one annotators see."""

from __future__ import annotations

import json
from pathlib import Path

import click

from annotator.models import load_model
from annotator.models.registry import (
    models_dir_beside,
    starter_ready,
    trained_meta,
    trained_specs,
    training_keys,
)
from annotator.models.starter import STARTER_SPEC
from annotator.store.database import project_scheme
from annotator.store.prelabels import (
    active_model,
    mentions_without_prelabel,
    model_specs,
    set_active_model,
)
from annotator.store.priority import refresh_stale_margins
from annotator.store.reports import model_reports

from .options import db_option, open_or_fail


def project_models(db, folder: Path) -> list[str]:
    """The specs of the project's models: those that pre-labelled it, the active one, and
    every model trained for its scheme beside it (a model the loop did not promote has not
    pre-labelled anything), oldest first, and the starter once it is built."""
    from annotator.learning_history import learned_for

    scheme, ours = project_scheme(db).name, learned_for(db)
    specs = [row["spec"] for row in model_specs(db)]
    active = active_model(db)
    if active and active not in specs:
        specs.append(active)
    for spec in trained_specs(folder):
        meta = trained_meta(spec, folder) or {}
        if spec in specs or meta.get("scheme") != scheme:
            continue
        if meta.get("cv_macro_f1") is None or ours(meta):  # another project's learned: no
            specs.append(spec)
    if starter_ready(folder) and STARTER_SPEC not in specs:
        specs.append(STARTER_SPEC)
    return specs


def other_scheme_models(db, folder: Path) -> dict[str, str]:
    """The trained models beside the project made for another label scheme, with that
    scheme: not the project's to use (their labels are not its labels), but a lead who
    trained one by mistake should learn where it went."""
    ours = project_scheme(db).name
    found = {}
    for spec in trained_specs(folder):
        scheme = (trained_meta(spec, folder) or {}).get("scheme")
        if scheme and scheme != ours:
            found[spec] = scheme
    return found


def model_rows(db, db_path: Path) -> list[dict]:
    """One row per model of the project (`project_models`), as `models --json` prints them.

    `heldout_macro_f1` is the macro-F1 of the model's newest run on the project's gold labels
    it was not trained on (null while there are none); `labels` is how many gold labels a
    trained model learned from.
    """
    folder, labels = models_dir_beside(db_path), project_scheme(db).label_names
    active = active_model(db)
    rows = []
    for spec in project_models(db, folder):
        reports = model_reports(db, labels, model=spec, seen=lambda s: training_keys(s, folder))
        newest = reports[-1] if reports else None
        meta = trained_meta(spec, folder)
        rows.append(
            {
                "spec": spec,
                "active": spec == active,
                "method": _method(spec, meta),
                "labels": meta.get("examples") if meta else None,
                "cv_macro_f1": meta.get("cv_macro_f1") if meta else None,
                "cv_spread": meta.get("cv_spread") if meta else None,
                "heldout_macro_f1": newest["macro_f1"] if newest and newest["n"] else None,
                "heldout_n": newest["n"] if newest else 0,
                "excluded": newest["excluded"] if newest else 0,
            }
        )
    return rows


def _figure(value) -> str:
    return "-" if value is None else f"{value:.3f}"


@click.group(invoke_without_command=True)
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of objects.")
@click.pass_context
def models(ctx, db_path: Path, as_json: bool):
    """List the models that pre-labelled this project, with their figures on its gold labels;
    `*` marks the active model, whose pre-labels annotators see.

    Example: annotator models --json
    """
    ctx.obj = db_path
    if ctx.invoked_subcommand is not None:
        return
    db = open_or_fail(db_path)
    rows = model_rows(db, db_path)
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    if not rows:
        click.echo("no model has pre-labelled this project yet: run `annotator predict`")
    for row in rows:
        trained = f", trained on {row['labels']} labels" if row["labels"] else ""
        if row["cv_macro_f1"] is not None:
            basis = "held-out" if row["spec"] == STARTER_SPEC else "cross-validated"
            trained += f", {basis} macro-F1 {row['cv_macro_f1']:.3f} ± {row['cv_spread']:.3f}"
        left_out = f", {row['excluded']} it was trained on left out" if row["excluded"] else ""
        if row["heldout_n"]:
            scored = f"macro-F1 {_figure(row['heldout_macro_f1'])} on {row['heldout_n']} gold "
            scored += f"label{'' if row['heldout_n'] == 1 else 's'}{left_out}"
        elif row["excluded"]:
            scored = f"no gold label it did not learn from ({row['excluded']} left out)"
        else:
            scored = "not scored yet: no pre-label of it has gold"
        click.echo(
            f"{'*' if row['active'] else ' '} {row['spec']} ({row['method']}{trained}): {scored}"
        )
    others = other_scheme_models(db, models_dir_beside(db_path))
    if others:
        listed = ", ".join(f"{spec} ({scheme})" for spec, scheme in others.items())
        click.echo(f"beside them, trained for another label scheme (not usable here): {listed}")


@models.command("use")
@click.argument("spec")
@click.option(
    "--db",
    "own_db",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="SQLite database file (the same as `annotator models --db FILE use SPEC`).",
)
@click.pass_obj
def use(db_path: Path, spec: str, own_db: Path | None):
    """Make SPEC the active model: annotators see its pre-labels from now on (labels already
    given keep the pre-label they were shown).

    Example: annotator models use trained:team-v1 --db instance/annotator.db
    """
    db_path = own_db or db_path
    db = open_or_fail(db_path)
    known = [row["spec"] for row in model_specs(db)]
    if spec not in known:
        try:  # the short form of a spec, e.g. `embedding`
            spec = load_model(spec, models_dir_beside(db_path)).spec
        except ValueError as error:
            raise click.BadParameter(str(error), param_hint="SPEC") from None
    if spec not in known:
        raise click.BadParameter(
            f"{spec} has not pre-labelled this project; run `annotator predict --model {spec}`"
            " first" + (f" (models here: {', '.join(known)})" if known else ""),
            param_hint="SPEC",
        )
    if set_active_model(db, spec):
        refresh_stale_margins(db)  # the uncertainty order follows the new model
    missing = mentions_without_prelabel(db, spec)
    note = f"; {missing} mentions have no pre-label from it yet" if missing else ""
    click.echo(f"active model: {spec}{note}")


def _method(spec: str, meta: dict | None) -> str:
    """How the model was made: its recorded method, "zero-shot" for a spec that trains
    nothing, or "files missing" for a trained one whose folder is not beside this database
    (a copy of the database, say)."""
    if meta is not None:
        return meta.get("method", "zero-shot")
    backend = spec.partition(":")[0]
    return "files missing" if backend in ("trained", "starter") else "zero-shot"
