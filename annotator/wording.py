"""Counts in words: "1 document", "2 documents", one rule for every page, job and command."""

from __future__ import annotations


def plural(noun: str, n: int, plural_form: str | None = None) -> str:
    """The noun as it reads after the number `n`: plural("mention", 1) == "mention"."""
    return noun if n == 1 else plural_form or noun + "s"


def counted(n: int, noun: str, plural_form: str | None = None) -> str:
    """`n` and its noun: counted(1, "mention") == "1 mention", counted(2, ...) "2 mentions"."""
    return f"{n} {plural(noun, n, plural_form)}"
