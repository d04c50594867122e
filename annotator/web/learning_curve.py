"""The learning curve of the Models page, drawn as inline SVG (no script, no library).

Each model the loop trained is a point: the gold labels it had (x) against its
cross-validated macro-F1 (y), with a bar of ± its spread across folds. The geometry is
computed here so that the template only places elements.
"""

from __future__ import annotations

import math

WIDTH, HEIGHT = 560, 240
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 12, 36


def _nice_ceiling(value: float) -> float:
    """1, 2 or 5 times a power of ten, at least `value` (axis ends on a round number)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 5, 10) if step * power >= value)


def learning_curve(history: list[dict], active: str | None) -> dict | None:
    """Points, axis ticks and the line of the curve; None before any model was trained."""
    if not history:
        return None
    x_max = _nice_ceiling(max(meta["examples"] for meta in history))
    lows = [meta["cv_macro_f1"] - meta["cv_spread"] for meta in history]
    highs = [meta["cv_macro_f1"] + meta["cv_spread"] for meta in history]
    y_min = max(0.0, math.floor(min(lows) * 10) / 10)
    y_max = min(1.0, math.ceil(max(highs) * 10) / 10)
    if y_max - y_min < 0.2:
        y_min = max(0.0, y_max - 0.2)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(value: float) -> float:
        return round(LEFT + plot_w * value / x_max, 1)

    def y(value: float) -> float:
        return round(TOP + plot_h * (1 - (value - y_min) / (y_max - y_min)), 1)

    points = [
        {
            "x": x(meta["examples"]),
            "y": y(meta["cv_macro_f1"]),
            "low": y(max(y_min, meta["cv_macro_f1"] - meta["cv_spread"])),
            "high": y(min(y_max, meta["cv_macro_f1"] + meta["cv_spread"])),
            "spec": meta["spec"],
            "examples": meta["examples"],
            "f1": meta["cv_macro_f1"],
            "spread": meta["cv_spread"],
            "active": meta["spec"] == active,
            "promoted": meta.get("promoted", False),
        }
        for meta in sorted(history, key=lambda meta: (meta["examples"], meta["trained"]))
    ]
    steps = round((y_max - y_min) / 0.1)
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "top": TOP,
        "bottom": HEIGHT - BOTTOM,
        "points": points,
        "line": " ".join(f"{p['x']},{p['y']}" for p in points),
        "x_ticks": [(x(x_max * i / 4), f"{round(x_max * i / 4):,}") for i in range(5)],
        "y_ticks": [(y(y_min + 0.1 * i), f"{y_min + 0.1 * i:.1f}") for i in range(steps + 1)],
    }
