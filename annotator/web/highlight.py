"""Split a sentence into plain and mention segments so templates can highlight actors."""

from __future__ import annotations

from flask import Flask


def segments(text: str, mentions: list[dict]) -> list[tuple[str, dict | None]]:
    """[(text, mention or None)] covering `text`; overlapping spans keep the first one."""
    parts: list[tuple[str, dict | None]] = []
    cursor = 0
    for mention in sorted(mentions, key=lambda m: (m["start"], m["end"])):
        if mention["start"] < cursor:
            continue
        if mention["start"] > cursor:
            parts.append((text[cursor : mention["start"]], None))
        parts.append((text[mention["start"] : mention["end"]], mention))
        cursor = mention["end"]
    if cursor < len(text):
        parts.append((text[cursor:], None))
    return parts


def init_app(app: Flask) -> None:
    app.add_template_filter(segments, "segments")
