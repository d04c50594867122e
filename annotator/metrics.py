"""Classification metrics for model-vs-gold reports: accuracy, macro-F1, per-label scores."""

from __future__ import annotations

from collections.abc import Sequence


def _ratio(numerator: int, denominator: int) -> float:
    return numerator / denominator if denominator else 0.0


def classification_report(
    gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str]
) -> dict:
    """Compare two label sequences; every label of `labels` counts toward macro-F1.

    Returns n, accuracy, macro_f1, per_label (precision, recall, f1, support) and
    confusion (gold label → predicted label → count).
    """
    if len(gold) != len(predicted):
        raise ValueError("gold and predicted labels differ in length")
    confusion = {g: {p: 0 for p in labels} for g in labels}
    for g, p in zip(gold, predicted):
        if g not in confusion or p not in confusion:
            raise ValueError(f"label outside {list(labels)}: {g if g not in confusion else p}")
        confusion[g][p] += 1
    per_label = {}
    for label in labels:
        true_positive = confusion[label][label]
        predicted_total = sum(confusion[g][label] for g in labels)
        support = sum(confusion[label].values())
        precision = _ratio(true_positive, predicted_total)
        recall = _ratio(true_positive, support)
        f1 = _ratio(2 * precision * recall, precision + recall) if precision + recall else 0.0
        per_label[label] = {
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
            "support": support,
        }
    correct = sum(confusion[label][label] for label in labels)
    return {
        "n": len(gold),
        "accuracy": round(_ratio(correct, len(gold)), 4),
        "macro_f1": round(sum(s["f1"] for s in per_label.values()) / len(labels), 4),
        "per_label": per_label,
        "confusion": confusion,
    }


def format_report(report: dict) -> str:
    """The report as aligned plain text for the terminal."""
    labels = list(report["per_label"])
    width = max(9, *(len(label) for label in labels)) + 2
    lines = [
        f"model     {report.get('model', '')}",
        f"n         {report['n']}"
        + (
            f" ({report['excluded']} the model was trained on left out)"
            if report.get("excluded")
            else ""
        ),
        f"accuracy  {report['accuracy']:.3f}",
        f"macro-F1  {report['macro_f1']:.3f}",
    ]
    if report.get("pairs_per_second") is not None:
        lines.append(f"speed     {report['pairs_per_second']:.1f} pairs/s")
    lines += ["", f"{'label':<{width}}precision  recall  f1     support"]
    for label, s in report["per_label"].items():
        lines.append(
            f"{label:<{width}}{s['precision']:<11.3f}{s['recall']:<8.3f}{s['f1']:<7.3f}{s['support']}"
        )
    lines += ["", "confusion (rows: gold, columns: predicted)"]
    lines.append(" " * width + "".join(f"{label:>{width}}" for label in labels))
    for gold in labels:
        row = "".join(f"{report['confusion'][gold][p]:>{width}}" for p in labels)
        lines.append(f"{gold:<{width}}{row}")
    return "\n".join(lines)
