"""`annotator agreement`: agreement corrected for chance, with the model beside the people."""

from __future__ import annotations

import json
from pathlib import Path

import click

from annotator.agreement import agreement_report
from annotator.store.label_tables import label_tables
from annotator.wording import counted

from .options import db_option, open_or_fail


def _figure(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _print(name: str, report: dict) -> None:
    click.echo(f"{name}: {counted(report['items'], 'item')} labelled by two or more annotators")
    if not report["items"]:
        return
    click.echo(f"  Fleiss' kappa        {_figure(report['fleiss']['kappa'])}")
    click.echo(f"  Krippendorff's alpha {_figure(report['krippendorff']['alpha'])}")
    for pair in report["cohen"]:
        first, second = pair["raters"]
        click.echo(f"  Cohen's kappa {first} × {second}: {_figure(pair['kappa'])} (n={pair['n']})")
    model = report["model"]
    click.echo(
        f"  model vs people (n={model['n']}): mean kappa {_figure(model['mean_kappa_model_human'])}"
        f" against {_figure(model['mean_kappa_human_human'])} between people;"
        f" alpha with the model {_figure(model['alpha_with_model'])}"
    )
    gold = model["gold"]
    click.echo(
        f"  model vs gold (n={gold['n']}): kappa {_figure(gold['kappa'])},"
        f" accuracy {_figure(gold['accuracy'])}"
    )


@click.command()
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object, by label set.")
def agreement(db_path: Path, as_json: bool):
    """Agreement per label set and actor type: pairwise Cohen's kappa, Fleiss' kappa and
    Krippendorff's alpha (nominal), each with its number of items, and the model's
    agreement with people on the same items.

    Example: annotator agreement --json
    """
    db = open_or_fail(db_path)
    reports = {name: agreement_report(table) for name, table in label_tables(db)}
    if as_json:
        click.echo(json.dumps(reports, indent=2))
        return
    for name, report in reports.items():
        _print(name, report)
