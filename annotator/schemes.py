"""Label schemes: the label sets annotators choose from and the hypotheses models test."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass


@dataclass(frozen=True)
class Label:
    """One label of a scheme, with the keyboard key that sets it and its NLI hypothesis."""

    name: str
    key: str
    hypothesis: str  # filled with the actor, e.g. "This sentence is critical of {actor}."


@dataclass(frozen=True)
class Scheme:
    """A named, ordered set of labels."""

    name: str
    labels: tuple[Label, ...]

    @property
    def label_names(self) -> list[str]:
        return [label.name for label in self.labels]

    @property
    def choices(self) -> list[tuple[str, str]]:
        """(label, key) pairs, in the scheme's order: what the label buttons show."""
        return [(label.name, label.key) for label in self.labels]

    @property
    def template_version(self) -> str:
        """A short hash of the hypotheses; stored with predictions so new templates re-predict."""
        text = "|".join(f"{label.name}={label.hypothesis}" for label in self.labels)
        return hashlib.sha1(text.encode()).hexdigest()[:8]


SCHEMES: dict[str, Scheme] = {
    "stance": Scheme(
        "stance",
        (
            Label("favor", "1", "This sentence is supportive of {actor}."),
            Label("against", "2", "This sentence is critical of {actor}."),
            Label("neutral", "3", "This sentence is neutral about {actor}."),
        ),
    ),
    "sentiment": Scheme(
        "sentiment",
        (
            Label("positive", "1", "This sentence is positive about {actor}."),
            Label("negative", "2", "This sentence is negative about {actor}."),
            Label("neutral", "3", "This sentence is neutral about {actor}."),
        ),
    ),
}

DEFAULT_SCHEME = "stance"

# The optional second question, the same in every scheme: the sentence's overall sentiment.
OVERALL_LABELS = ("positive", "negative", "neutral")
OVERALL_CHOICES = [(name, str(key)) for key, name in enumerate(OVERALL_LABELS, start=1)]


def get_scheme(name: str) -> Scheme:
    """Return the scheme called `name`, or raise ValueError listing the known ones."""
    try:
        return SCHEMES[name]
    except KeyError:
        known = ", ".join(sorted(SCHEMES))
        raise ValueError(f"unknown scheme {name!r} (known: {known})") from None
