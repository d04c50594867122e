"""The CSV export's rows as a Hugging Face `datasets` folder, with a dataset card.

`datasets.load_from_disk(folder)` reads it back: a DatasetDict with the splits asked for (or
one, "train"), `label` and `prediction` as ClassLabel over the project's labels (-1 where a
target has none), and README.md holding what a reader of the data needs to know. `datasets` is
optional (`pip install -e '.[formats]'`) and imported only here.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from annotator.store.exports import TARGET_COLUMNS

_INTEGERS, _FLOATS, _CLASSES = {"start", "end"}, {"score"}, {"label", "prediction"}
CARD_MARK = "Exported by annotator"  # how a later export knows the folder is one of its own


def features(labels: list[str]):
    import datasets

    def kind(column: str):
        if column in _CLASSES:
            return datasets.ClassLabel(names=list(labels))
        if column in _INTEGERS:
            return datasets.Value("int64")
        return datasets.Value("float64" if column in _FLOATS else "string")

    return datasets.Features({column: kind(column) for column in TARGET_COLUMNS})


def write_dataset(
    db_path: str,
    parts: dict[str, list[str] | None],
    only: str,
    folder: Path,
    labels: list[str],
    card: dict,
) -> dict[str, int]:
    """Save each split's rows (the documents of `parts`, all when None) as one DatasetDict in
    `folder`, with its card; return how many rows each split has."""
    try:
        import datasets
    except ImportError:
        raise RuntimeError(
            "the Hugging Face export needs datasets: pip install -e '.[formats]'"
        ) from None
    counts: dict[str, Counter] = {}
    quiet = datasets.are_progress_bars_disabled()
    datasets.disable_progress_bars()  # a command reports its own counts
    try:
        _save(datasets, db_path, parts, only, folder, labels, counts)
    finally:
        if not quiet:
            datasets.enable_progress_bars()
    (folder / "README.md").write_text(dataset_card(counts, labels, card), encoding="utf-8")
    return {name: sum(tally.values()) for name, tally in counts.items()}


def _save(datasets, db_path, parts, only, folder, labels, counts) -> None:
    """Each split built from its rows, then saved together; `counts` gets each one's labels."""
    with tempfile.TemporaryDirectory(dir=folder.parent, prefix=".hf-cache-") as cache:
        splits = {}
        for name, documents in parts.items():
            kwargs = {
                "db_path": db_path,
                "only": only,
                "documents": documents,
                "labels": tuple(labels),
            }
            if _has_examples(**kwargs):
                splits[name] = datasets.Dataset.from_generator(
                    _examples, features=features(labels), cache_dir=cache, gen_kwargs=kwargs
                )
            else:  # a generator that yields nothing is refused by `datasets`
                empty = {column: [] for column in TARGET_COLUMNS}
                splits[name] = datasets.Dataset.from_dict(empty, features=features(labels))
            tally = Counter(splits[name]["label"])
            counts[name] = Counter({labels[n] if n >= 0 else None: c for n, c in tally.items()})
        # An empty split saved in no shard cannot be loaded again: give it one.
        shards = {name: 1 for name, split in splits.items() if not len(split)}
        datasets.DatasetDict(splits).save_to_disk(str(folder), num_shards=shards)


def is_dataset_folder(path: Path) -> bool:
    """Whether `path` is a folder this export may replace: an empty folder, or one that holds
    an earlier export of this project's tool and nothing else (its card says so, and every
    other entry is a split's folder of `datasets` files), so no file of anyone's is lost."""
    if not path.is_dir():
        return False
    entries = list(path.iterdir())
    if not entries:
        return True
    card = path / "README.md"
    if not (path / "dataset_dict.json").is_file() or not card.is_file():
        return False
    if CARD_MARK not in card.read_text(encoding="utf-8", errors="replace")[:2000]:
        return False
    return all(
        entry.name in ("README.md", "dataset_dict.json")
        or entry.is_dir()
        and all(_is_dataset_file(part) for part in entry.iterdir())
        for entry in entries
    )


def _is_dataset_file(path: Path) -> bool:
    return path.is_file() and (
        path.name in ("dataset_info.json", "state.json")
        or path.name.startswith("data-")
        and path.suffix == ".arrow"
    )


def _has_examples(**kwargs) -> bool:
    return kwargs["documents"] != () and next(_examples(**kwargs), None) is not None


def _examples(db_path: str, only: str, documents: tuple[str, ...] | None, labels: tuple[str, ...]):
    """The examples of one split, read on a connection of their own: `datasets` hashes the
    generator and its arguments to name its cache, so they hold a path, not a connection."""
    from annotator.store.database import connect

    from .files import target_rows

    index = {label: n for n, label in enumerate(labels)}
    db = connect(db_path)
    try:
        for row in target_rows(db, only, None if documents is None else set(documents)):
            example = dict(zip(TARGET_COLUMNS, row))
            for column in _CLASSES:
                example[column] = index.get(example[column], -1)
            yield example
    finally:
        db.close()


def dataset_card(counts: dict[str, Counter], labels: list[str], card: dict) -> str:
    """README.md of the dataset: label counts per split, agreement, models, export date."""
    lines = [
        f"# {card.get('title', 'Stance labels')}",
        "",
        f"{CARD_MARK} on {datetime.now(UTC).date().isoformat()}: one example per"
        " (sentence, actor); `label` is the gold label (-1: none yet, or disputed).",
        "",
        "## Label counts",
        "",
        "| split | " + " | ".join([*labels, "no gold"]) + " |",
        "| --- | " + " | ".join("---" for _ in range(len(labels) + 1)) + " |",
    ]
    for name, tally in counts.items():
        cells = [str(tally.get(label, 0)) for label in labels] + [str(tally.get(None, 0))]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += ["", "## Agreement", ""]
    for name, report in card.get("agreement", {}).items():
        kappa = report.get("fleiss", {}).get("kappa")
        alpha = report.get("krippendorff", {}).get("alpha")
        lines.append(
            f"- {name}: {report.get('items', 0)} items labelled by two or more annotators;"
            f" Fleiss' kappa {_figure(kappa)}, Krippendorff's alpha {_figure(alpha)}"
        )
    if not card.get("agreement"):
        lines.append("- no item labelled by two or more annotators")
    lines += ["", "## Models", ""]
    lines += [f"- `{model}`" for model in card.get("models", [])] or ["- none"]
    return "\n".join(lines) + "\n"


def _figure(value) -> str:
    return "n/a" if value is None else f"{value:.3f}"
