"""Metrics against hand-computed values."""

import pytest

from annotator.metrics import classification_report, format_report

LABELS = ["positive", "negative", "neutral"]


def test_hand_computed_example():
    gold = ["positive", "positive", "negative", "neutral", "neutral", "neutral"]
    pred = ["positive", "neutral", "negative", "neutral", "negative", "neutral"]
    report = classification_report(gold, pred, LABELS)
    assert report["n"] == 6
    assert report["accuracy"] == pytest.approx(4 / 6, abs=1e-4)
    # positive: P=1/1, R=1/2, F1=2/3; negative: P=1/2, R=1/1, F1=2/3; neutral: P=2/3, R=2/3
    assert report["per_label"]["positive"] == {
        "precision": 1.0,
        "recall": 0.5,
        "f1": 0.6667,
        "support": 2,
    }
    assert report["per_label"]["negative"]["precision"] == 0.5
    assert report["per_label"]["neutral"]["f1"] == pytest.approx(2 / 3, abs=1e-4)
    assert report["macro_f1"] == pytest.approx(2 / 3, abs=1e-3)
    assert report["confusion"]["positive"] == {"positive": 1, "negative": 0, "neutral": 1}
    assert report["confusion"]["neutral"]["negative"] == 1


def test_a_label_never_predicted_scores_zero_and_still_counts():
    report = classification_report(["positive", "negative"], ["negative", "negative"], LABELS)
    assert report["per_label"]["positive"]["f1"] == 0.0
    assert report["per_label"]["neutral"] == {
        "precision": 0.0,
        "recall": 0.0,
        "f1": 0.0,
        "support": 0,
    }
    assert report["macro_f1"] == pytest.approx((0 + 2 / 3 + 0) / 3, abs=1e-3)


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="differ in length"):
        classification_report(["positive"], [], LABELS)
    with pytest.raises(ValueError, match="label outside"):
        classification_report(["happy"], ["positive"], LABELS)


def test_format_report_shows_every_part():
    report = classification_report(["positive", "neutral"], ["positive", "negative"], LABELS)
    text = format_report({**report, "model": "stub", "pairs_per_second": 12.5})
    assert "macro-F1" in text and "12.5 pairs/s" in text and "confusion" in text
    assert text.count("\n") > 10
