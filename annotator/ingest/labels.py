"""Label names as other tools and benchmarks write them, mapped onto the project's scheme."""

from __future__ import annotations

import re

# Spellings of the same label: SemEval's NONE is the stance scheme's neutral.
_SYNONYMS = {"none": "neutral", "favour": "favor", "neither": "neutral"}


def known_label(raw: str, labels: list[str]) -> str | None:
    """The project's label that a name written in a file means (any case), or None."""
    name = raw.strip().lower()
    name = _SYNONYMS.get(name, name)
    return name if name in labels else None


def scheme_label(raw, labels: list[str], fail) -> str:
    """The project's label for a label name as written in a file (any case), or `fail`."""
    if not isinstance(raw, str) or not raw.strip():
        fail(f"a label must be a non-empty string, not {raw!r}")
    name = known_label(raw, labels)
    if name is None:
        fail(f"label {raw!r} is not in the scheme ({', '.join(labels)})")
    return name


def locate(name: str, text: str) -> tuple[int, int] | None:
    """Where a target named only by its name ("Hillary Clinton") is written in the text: the
    whole name, else its longest word of four letters or more ("Clinton"), case aside, as
    whole words; None when neither is there."""
    candidates = [name.strip()]
    words = sorted((w for w in re.findall(r"[\w'-]+", name) if len(w) >= 4), key=len, reverse=True)
    candidates += [w for w in words if w.lower() != name.strip().lower()]
    for candidate in candidates:
        if not candidate:
            continue
        found = re.search(rf"(?<!\w){re.escape(candidate)}(?!\w)", text, re.IGNORECASE)
        if found:
            return found.start(), found.end()
    return None
