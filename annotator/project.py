"""A project's database from Python: the gold data for notebooks, imports and model runs.

    from annotator import Project

    with Project("instance/annotator.db") as project:
        frame = project.to_pandas(only="gold")        # one row per sentence and actor
        for record in project.gold():                 # the JSONL export's records
            ...
        project.import_file("more.jsonl")
        project.predict(model="embedding")
        project.agreement()

The methods call the same functions as the commands (`annotator export`, `import`, `predict`,
`agreement`); no web framework is imported. pandas is needed only for `to_pandas`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path


class Project:
    """An initialised project database (`annotator init` creates one)."""

    def __init__(self, path: str | Path):
        from annotator.store.database import open_database

        self.path = Path(path)
        self.db = open_database(self.path)

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    def gold(self, only: str = "all") -> Iterator[dict]:
        """The export records (the JSONL export's schema, one per sentence), with the targets
        that `only` keeps: all, reviewed (someone labelled them) or gold (a gold label)."""
        from annotator.exporting.rows import ONLY, selected_records
        from annotator.store.exports import iter_export_records

        if only not in ONLY:
            raise ValueError(f"unknown selection {only!r} (use {', '.join(ONLY)})")
        return selected_records(iter_export_records(self.db), only)

    def rows(self, only: str = "all") -> Iterator[dict]:
        """The CSV export's rows as dicts: one per sentence and actor."""
        from annotator.exporting.rows import ONLY, selected_rows
        from annotator.store.exports import TARGET_COLUMNS, iter_export_targets

        if only not in ONLY:
            raise ValueError(f"unknown selection {only!r} (use {', '.join(ONLY)})")
        for row in selected_rows(iter_export_targets(self.db), only):
            yield dict(zip(TARGET_COLUMNS, row))

    def to_pandas(self, only: str = "all"):
        """The CSV export's rows as a pandas DataFrame (pandas must be installed)."""
        try:
            import pandas
        except ImportError:
            raise ImportError("to_pandas needs pandas: pip install pandas") from None
        from annotator.store.exports import TARGET_COLUMNS

        return pandas.DataFrame.from_records(list(self.rows(only)), columns=TARGET_COLUMNS)

    def import_file(self, path: str | Path, format: str = "auto", annotator: str | None = None):
        """Import one file as `annotator import` does (all of it or, on an error, nothing:
        `annotator.ingest.InputError` names the line); returns the import's summary."""
        from annotator.ingest import import_file
        from annotator.store.database import project_scheme

        return import_file(self.db, path, format, project_scheme(self.db).label_names, annotator)

    def predict(self, model: str | None = None, batch_size: int = 64) -> int:
        """Pre-label every mention without a prediction of `model` (a model spec, as for
        `annotator predict`; by default the project's active model, else the offline default);
        returns how many were pre-labelled."""
        from annotator.models import DEFAULT_MODEL, load_model
        from annotator.models.registry import models_dir_beside
        from annotator.prelabel import prelabel
        from annotator.store.database import project_scheme
        from annotator.store.prelabels import prelabelling_model

        model = model or prelabelling_model(self.db, DEFAULT_MODEL)
        loaded = load_model(model, models_dir_beside(self.path))
        return prelabel(self.db, loaded, project_scheme(self.db), batch_size)

    def agreement(self) -> dict:
        """Agreement per label set, as `annotator agreement --json` prints it."""
        from annotator.agreement import agreement_report
        from annotator.store.label_tables import label_tables

        return {name: agreement_report(table) for name, table in label_tables(self.db)}
