"""`annotator evaluate` and the model-vs-gold reports behind it."""

import json

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.evaluate import evaluate_file

from .conftest import NEWSMTSC, write


def gold_file(tmp_path):
    """Four gold targets: two favor, one against, one neutral."""
    lines = [
        {
            "id": "a",
            "text": "Fans cheered Smith and Jones.",
            "targets": [
                {"start": 13, "end": 18, "label": "favor"},
                {"start": 23, "end": 28, "label": "favor"},
            ],
        },
        {
            "id": "b",
            "text": "Critics attacked Brown.",
            "targets": [{"start": 17, "end": 22, "label": "against"}],
        },
        {
            "id": "c",
            "text": "Green spoke on Monday.",
            "targets": [{"start": 0, "end": 5, "label": "neutral"}],
        },
    ]
    return write(tmp_path / "gold.jsonl", "\n".join(json.dumps(line) for line in lines))


def test_stub_model_scores_as_computed_by_hand(tmp_path, stub_model):
    report = evaluate_file(gold_file(tmp_path), stub_model)
    # The stub always says "favor": 2 of 4 right; favor P=2/4 R=1 F1=2/3; others 0.
    assert report["n"] == 4 and report["accuracy"] == 0.5
    assert report["macro_f1"] == pytest.approx((2 / 3) / 3, abs=1e-3)
    assert report["confusion"]["against"] == {"favor": 1, "against": 0, "neutral": 0}
    assert report["model"] == "stub:first" and report["scheme"] == "stance"
    assert report["pairs_per_second"] > 0


def test_a_file_without_gold_labels_is_an_error(tmp_path, stub_model):
    path = write(tmp_path / "plain.jsonl", json.dumps({"text": "Angela Merkel spoke."}))
    with pytest.raises(ValueError, match="no gold labels"):
        evaluate_file(path, stub_model)


def test_bad_gold_file_names_the_line(tmp_path):
    path = write(tmp_path / "bad.jsonl", '{"text": "x", "targets": [{"start": 0, "end": 9}]}')
    result = CliRunner().invoke(main, ["evaluate", str(path)])
    assert result.exit_code == 1 and "bad.jsonl, line 1: target offsets" in result.output


@pytest.mark.skipif(not NEWSMTSC.exists(), reason="NewsMTSC data is not beside the project")
def test_cli_on_a_newsmtsc_slice_prints_json(tmp_path):
    lines = (NEWSMTSC / "devtest_mt.jsonl").read_text(encoding="utf-8").splitlines()[:15]
    path = write(tmp_path / "slice.jsonl", "\n".join(lines))
    result = CliRunner().invoke(main, ["evaluate", str(path), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert set(report) >= {
        "n",
        "accuracy",
        "macro_f1",
        "per_label",
        "confusion",
        "pairs_per_second",
        "model",
    }
    assert report["n"] == sum(len(json.loads(line)["targets"]) for line in lines)
    assert set(report["per_label"]) == {"positive", "negative", "neutral"}
    assert report["model"] == "embedding:all-MiniLM-L6-v2"

    text = CliRunner().invoke(main, ["evaluate", str(path), "--format", "newsmtsc"]).output
    assert "macro-F1" in text and "confusion" in text
