"""Evaluate a model on a gold-labelled file, through the same import and predict code as users."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from annotator.ingest import import_file
from annotator.ingest.formats import read_records
from annotator.models import StanceModel
from annotator.prelabel import prelabel
from annotator.schemes import get_scheme
from annotator.store.database import init_database
from annotator.store.reports import model_reports

GOLD_ANNOTATOR = "gold"


def default_scheme_for(path: Path, fmt: str, project: str | None = None) -> str:
    """NewsMTSC data is sentiment-labelled; anything else is read in the `project`'s scheme
    (a file exported from it), else in stance."""
    if fmt == "newsmtsc":
        return "sentiment"
    if fmt == "auto" and path.suffix.lower() in (".jsonl", ".json", ".ndjson"):
        with path.open(encoding="utf-8", errors="replace") as handle:
            first = next((line for line in handle if line.strip()), "")
        if '"sentence_normalized"' in first:
            return "sentiment"
    return project or "stance"


def evaluate_file(
    path: str | Path,
    model: StanceModel,
    fmt: str = "auto",
    scheme_name: str | None = None,
    batch_size: int = 64,
) -> dict:
    """Import `path` into a throw-away database, pre-label it, and compare with its gold labels."""
    path = Path(path)
    scheme = get_scheme(scheme_name or default_scheme_for(path, fmt))
    read_records(path, fmt, scheme.label_names)  # fail fast, before any model work
    with tempfile.TemporaryDirectory() as folder:
        db = init_database(Path(folder) / "evaluate.db", scheme.name)
        try:
            import_file(db, path, fmt, scheme.label_names, GOLD_ANNOTATOR)
            model.warm_up()  # loading time is not prediction speed
            started = time.perf_counter()
            predicted = prelabel(db, model, scheme, batch_size)
            elapsed = time.perf_counter() - started
            trained_on = model.trained_on()
            [report] = model_reports(
                db,
                scheme.label_names,
                model.spec,
                model.template_version(scheme),
                seen=lambda _: trained_on,
            ) or [None]
        finally:
            db.close()
    if report is None or not report["n"]:
        left_out = (
            f" the model was not trained on ({report['excluded']} left out)" if report else ""
        )
        raise ValueError(f"{path}: no gold labels{left_out} to evaluate against")
    report["scheme"] = scheme.name
    report["pairs_per_second"] = round(predicted / elapsed, 1) if elapsed > 0 else None
    return report
