"""`--split`: train/validation/test by document, stratified by label, reproducible by seed."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.cli import main as cli
from annotator.exporting import export_to_file
from annotator.exporting.files import OutputError
from annotator.exporting.splits import assign_documents, parse_split
from annotator.ingest import import_file

from .test_export import STANCE

LABELS = STANCE.label_names


def test_parse_split_takes_two_or_three_percentages_adding_to_100():
    assert parse_split("80/10/10") == {"train": 0.8, "validation": 0.1, "test": 0.1}
    assert parse_split("70/30") == {"train": 0.7, "test": 0.3}
    for bad in ("80/10", "100", "50/50/10/-10", "a/b", "", "80/10/10/0", "100/0", "90/10/0"):
        with pytest.raises(ValueError, match="--split"):
            parse_split(bad)


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 40), st.sampled_from([*LABELS, None])), min_size=1, max_size=300
    ),
    st.integers(0, 5),
)
def test_every_document_goes_to_exactly_one_split_the_same_way_for_a_seed(pairs, seed):
    pairs = [(f"doc-{d}", label) for d, label in pairs]
    shares = parse_split("80/10/10")
    first = assign_documents(pairs, shares, seed)
    assert set(first) == {d for d, _ in pairs}
    assert set(first.values()) <= set(shares)
    assert assign_documents(list(reversed(pairs)), shares, seed) == first


def test_splits_follow_the_shares_and_the_label_mix():
    # 200 documents of 5 targets, the labels skewed differently per document
    pairs = [
        (f"doc-{d}", LABELS[(d + t * (d % 3)) % 3] if (d + t) % 4 else LABELS[0])
        for d in range(200)
        for t in range(5)
    ]
    assignment = assign_documents(pairs, parse_split("80/10/10"), seed=3)
    sizes = Counter(assignment[d] for d, _ in pairs)
    assert abs(sizes["train"] / len(pairs) - 0.8) < 0.02
    assert abs(sizes["test"] / len(pairs) - 0.1) < 0.02
    whole = Counter(label for _, label in pairs)
    for name in ("train", "validation", "test"):
        mix = Counter(label for d, label in pairs if assignment[d] == name)
        for label in LABELS:
            assert abs(mix[label] / sizes[name] - whole[label] / len(pairs)) < 0.03
    assert assign_documents(pairs, parse_split("80/10/10"), seed=4) != assignment


@pytest.fixture
def articles(db, tmp_path):
    """40 documents of 3 labelled sentences each."""
    lines = []
    for d in range(40):
        for s in range(3):
            text = f"Angela Merkel met the press on day {d}, time {s}."
            target = {
                "actor": "Angela Merkel",
                "mention": "Angela Merkel",
                "start": 0,
                "end": 13,
                "label": LABELS[(d + s) % 3],
                "status": "manual",
                "annotator": "ana",
            }
            lines.append(
                json.dumps(
                    {"id": f"a{d}:{s}", "document_id": f"a{d}", "text": text, "targets": [target]}
                )
            )
    path = tmp_path / "articles.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    import_file(db, path, "jsonl", LABELS)
    return db


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_an_export_split_by_document(articles, tmp_path, fmt):
    if fmt == "parquet":
        pytest.importorskip("pyarrow")
    counts = export_to_file(articles, tmp_path / f"gold.{fmt}", fmt, "gold", "80/10/10", seed=1)
    documents = {}
    for name in ("train", "validation", "test"):
        path = tmp_path / f"gold.{name}.{fmt}"
        documents[name] = _documents(path, fmt)
    assert not (tmp_path / f"gold.{fmt}").exists()
    assert sum(len(d) for d in documents.values()) == 40
    assert not (
        documents["train"] & documents["test"] or documents["train"] & documents["validation"]
    )
    assert 28 <= len(documents["train"]) <= 36 and documents["test"] and documents["validation"]
    assert list(counts) == ["train", "validation", "test"]
    assert sum(counts.values()) == (40 if fmt == "jsonl" else 120) * (3 if fmt == "jsonl" else 1)


def _documents(path, fmt) -> set[str]:
    if fmt == "jsonl":
        return {json.loads(line)["document_id"] for line in path.read_text().splitlines()}
    if fmt == "csv":
        return {row["document_id"] for row in csv.DictReader(path.open(encoding="utf-8"))}
    import pyarrow.parquet as parquet

    return set(parquet.read_table(path).column("document_id").to_pylist())


def test_the_cli_splits_and_refuses_a_bad_split(articles, db_path, tmp_path):
    runner = CliRunner()
    out = tmp_path / "gold.csv"
    args = ["export", "--db", str(db_path), "--format", "csv", "-o", str(out)]
    result = runner.invoke(cli, [*args, "--split", "80/10/10", "--seed", "2"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "gold.train.csv").exists() and (tmp_path / "gold.test.csv").exists()
    result = runner.invoke(cli, [*args, "--split", "80/30"])
    assert result.exit_code == 2 and "80/30" in result.output
    result = runner.invoke(cli, ["export", "--db", str(db_path), "--split", "80/20"])
    assert result.exit_code == 2 and "-o PATH" in result.output


def test_a_hugging_face_folder_with_splits_class_labels_and_a_card(articles, tmp_path):
    datasets = pytest.importorskip("datasets")
    folder = tmp_path / "gold-hf"
    export_to_file(articles, folder, "hf", "gold")  # an earlier export, replaced whole
    counts = export_to_file(articles, folder, "hf", "all", "80/10/10", seed=1)
    count = sum(counts.values())
    loaded = datasets.load_from_disk(str(folder))
    assert set(loaded) == {"train", "validation", "test"}
    assert sum(len(part) for part in loaded.values()) == count == 120
    label = loaded["train"].features["label"]
    assert isinstance(label, datasets.ClassLabel) and label.names == LABELS
    example = loaded["train"][0]
    assert example["text"][example["start"] : example["end"]] == example["mention"]
    assert label.int2str(example["label"]) in LABELS
    card = (folder / "README.md").read_text(encoding="utf-8")
    assert "| split |" in card and "## Agreement" in card and "## Models" in card
    assert sorted(p.name for p in folder.iterdir()) == [
        "README.md",
        "dataset_dict.json",
        "test",
        "train",
        "validation",
    ]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_a_hugging_face_export_without_split_has_one_train_split(articles, tmp_path):
    datasets = pytest.importorskip("datasets")
    export_to_file(articles, tmp_path / "hf", "hf", "gold")
    loaded = datasets.load_from_disk(str(tmp_path / "hf"))
    assert list(loaded) == ["train"] and len(loaded["train"]) == 120


def _add_untargeted_documents(db, tmp_path, count=10):
    """`count` lines (documents of their own sentences) that name nobody: no targets at all."""
    lines = [
        json.dumps({"id": f"u{d}:{s}", "document_id": f"u{d}", "text": f"It rained, {d}-{s}."})
        for d in range(count)
        for s in range(2)
    ]
    path = tmp_path / "weather.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    import_file(db, path, "jsonl", LABELS)


def test_a_split_of_all_keeps_documents_without_targets(articles, tmp_path):
    _add_untargeted_documents(articles, tmp_path)
    counts = export_to_file(articles, tmp_path / "all.jsonl", "jsonl", "all", "80/20", seed=0)
    assert sum(counts.values()) == 40 * 3 + 10 * 2  # sentences
    ids = set()
    for name in ("train", "test"):
        lines = (tmp_path / f"all.{name}.jsonl").read_text(encoding="utf-8").splitlines()
        ids |= {json.loads(line)["document_id"] for line in lines}
    every = {row["document_id"] for row in articles.query("select document_id from sentences")}
    assert len(every) == 40 + 20 and ids == every


def test_a_hugging_face_export_with_empty_splits_or_nothing_in_it(articles, tmp_path):
    datasets = pytest.importorskip("datasets")
    counts = export_to_file(articles, tmp_path / "gold", "hf", "gold", "98/1/1", seed=0)
    loaded = datasets.load_from_disk(str(tmp_path / "gold"))
    assert {name: len(part) for name, part in loaded.items()} == counts
    assert sum(counts.values()) == 120
    empty = tmp_path / "empty.db"
    from annotator.store.database import init_database

    nothing = init_database(empty, "stance")
    assert export_to_file(nothing, tmp_path / "none", "hf", "gold", "80/20") == {
        "train": 0,
        "test": 0,
    }
    loaded = datasets.load_from_disk(str(tmp_path / "none"))
    assert loaded["train"].features["label"].names == LABELS


def test_a_hugging_face_export_never_replaces_a_folder_of_other_files(articles, tmp_path):
    pytest.importorskip("datasets")
    folder = tmp_path / "thesis"
    folder.mkdir()
    (folder / "chapter1.tex").write_text("months of work", encoding="utf-8")
    with pytest.raises(FileExistsError):
        export_to_file(articles, folder, "hf", "gold")
    assert [p.name for p in folder.iterdir()] == ["chapter1.tex"]
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_the_cli_exports_hf_twice_to_one_folder_and_names_each_split_file(
    articles, db_path, tmp_path
):
    pytest.importorskip("datasets")
    runner = CliRunner()
    folder = tmp_path / "hf"
    args = ["export", "--db", str(db_path), "--format", "hf", "-o", str(folder)]
    for _ in range(2):
        result = runner.invoke(cli, [*args, "--split", "80/20"])
        assert result.exit_code == 0, result.output
    assert "(train " in result.output and ", test " in result.output
    other = tmp_path / "notes"
    other.mkdir()
    (other / "a.txt").write_text("keep", encoding="utf-8")
    result = runner.invoke(
        cli, ["export", "--db", str(db_path), "--format", "hf", "-o", str(other)]
    )
    assert result.exit_code == 1 and "not replaced" in result.output
    result = runner.invoke(
        cli, ["export", "--db", str(db_path), "--format", "csv", "-o", str(folder)]
    )
    assert result.exit_code == 2 and "is a folder" in result.output
    out = tmp_path / "gold.csv"
    result = runner.invoke(
        cli, ["export", "--db", str(db_path), "--format", "csv", "-o", str(out), "--split", "80/20"]
    )
    assert result.exit_code == 0, result.output
    for name in ("train", "test"):
        assert f"to {tmp_path / f'gold.{name}.csv'}" in result.output
    assert "note" not in result.output
    result = runner.invoke(
        cli,
        ["export", "--db", str(db_path), "--format", "csv", "-o", str(out), "--split", "80/10/10"],
    )
    result = runner.invoke(
        cli, ["export", "--db", str(db_path), "--format", "csv", "-o", str(out), "--split", "80/20"]
    )
    assert f"note: {tmp_path / 'gold.validation.csv'} is left from an earlier" in result.output


def test_an_export_never_writes_over_the_project_database(articles, db_path, tmp_path):
    runner = CliRunner()
    before = db_path.read_bytes()
    for target, fmt in ((db_path, "csv"), (Path(f"{db_path}-wal"), "jsonl"), (db_path, "hf")):
        args = ["export", "--db", str(db_path), "--format", fmt, "-o", str(target)]
        result = runner.invoke(cli, args)
        assert result.exit_code == 2 and "the project's database" in result.output
    for side in (
        f"{db_path}-shm",
        f"{db_path}-writers.lock",
        db_path.parent / "annotator-import.lock",
    ):
        with pytest.raises(OutputError):
            export_to_file(articles, Path(side), "jsonl")
    assert db_path.read_bytes() == before


def test_a_split_export_that_cannot_write_one_file_writes_none(articles, tmp_path):
    out = tmp_path / "t.csv"
    out.write_text("earlier", encoding="utf-8")
    (tmp_path / "t.train.csv").write_text("earlier train", encoding="utf-8")
    (tmp_path / "t.test.csv").mkdir()
    with pytest.raises(IsADirectoryError) as caught:
        export_to_file(articles, out, "csv", "all", "80/20")
    assert caught.value.filename == str(tmp_path / "t.test.csv")
    assert (tmp_path / "t.train.csv").read_text(encoding="utf-8") == "earlier train"


def test_only_a_folder_this_tool_exported_is_replaced(articles, tmp_path):
    pytest.importorskip("datasets")
    folder = tmp_path / "hf"
    export_to_file(articles, folder, "hf", "gold")
    (folder / "my_notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(FileExistsError):
        export_to_file(articles, folder, "hf", "gold")
    assert (folder / "my_notes.txt").read_text(encoding="utf-8") == "mine"
    (folder / "my_notes.txt").unlink()
    (folder / "README.md").write_text("# Someone else's dataset\n", encoding="utf-8")
    with pytest.raises(FileExistsError):
        export_to_file(articles, folder, "hf", "gold")
