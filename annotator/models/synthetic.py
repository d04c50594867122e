"""Synthetic examples for the zero-shot default, and the head it learns from them.

The default's similarity to example sentences reads a sentence's tone: an actor who criticises
comes out as negative as the one criticised. Hand-written frames (`synthetic_frames`) say which
role takes which stance ("{B} criticized {A} for {issue}.": A negative, B neutral); filled at
random, alone or two joined into one sentence whose actors differ, they make thousands of
sentences labelled by role, with no labelled data set involved. A logistic regression on the
default's frozen features of those sentences (`features.without_prior`: the mention, the
words on each side of it and the sentence, from the last and the third layer, and the lexicon)
learns what the roles look like to the encoder. `embedding` adds its log-probabilities to the
zero-shot scores; both come from the same encoder pass.

The head is fitted once, by `python -m annotator.models.synthetic`, and shipped in
`annotator/data/` with the digest of what it was fitted from: `tests/test_synthetic.py` fails
when the frames or the settings below change and the head was not fitted again.
"""

from __future__ import annotations

import hashlib
import random
import re
from pathlib import Path

import numpy as np

from . import synthetic_frames as frames
from .base import Pair
from .features import MIDDLE_LAYER, without_prior

HEAD_PATH = Path(__file__).resolve().parent.parent / "data" / "synthetic_head.npz"
POLARITIES = ("positive", "negative", "neutral")  # the head's columns
SENTENCES = 10_000  # filled frames, single or joined; about 17,000 labelled actors
SINGLE_SHARE = 0.5  # the others join a second frame
SEED = 0
REGULARISATION = 0.05  # scikit-learn's C: strong, the frames repeat their words
# The frames say a stance plainly where news often implies it, so the head calls too much
# neutral on news; this offset, in logits, evens it out (chosen on devtest_mt; train agreed).
NEUTRAL_OFFSET = -0.5
GENERATOR_VERSION = "1"

SLOTS = {
    "issue": frames.ISSUES,
    "crime": frames.CRIMES,
    "achievement": frames.ACHIEVEMENTS,
    "clause": frames.NEUTRAL_CLAUSES,
    "place": frames.PLACES,
    "when": frames.WHEN,
    "criticised": frames.CRITICISM_VERBS,
    "praised": frames.PRAISE_VERBS,
    "disparaging": frames.DISPARAGING_ADJECTIVES,
    "approving": frames.APPROVING_ADJECTIVES,
    "epithet": frames.EPITHETS,
    "accolade": frames.ACCOLADES,
    "met": frames.MEETING_VERBS,
}
# A sentence that opens with one of these lower-cases it when it goes after a connector or a
# context ("…; meanwhile, the court …"); names keep their capitals.
_COMMON_OPENINGS = frozenset(
    "The A According Protesters Critics Supporters Voters Even Questions Many Polls Fans"
    " Leaders Aides Both".split()
)
_SLOT = re.compile(r"\{(\w+)\}")


def fill(frame: str, a: str, b: str, rng: random.Random) -> tuple[str, dict[str, tuple]]:
    """The frame with its slots filled, and the (start, end) of each actor slot in it."""
    pieces, spans, at = [], {}, 0
    for match in _SLOT.finditer(frame):
        pieces.append(frame[at : match.start()])
        slot = match.group(1)
        value = {"A": a, "B": b}.get(slot) or rng.choice(SLOTS[slot])
        start = sum(map(len, pieces))
        if slot in ("A", "B"):
            spans[slot] = (start, start + len(value))
        pieces.append(value)
        at = match.end()
    pieces.append(frame[at:])
    text = "".join(pieces)
    return text[0].upper() + text[1:], spans


def _lower_opening(text: str) -> str:
    return text[0].lower() + text[1:] if text.split()[0] in _COMMON_OPENINGS else text


def _one_frame(rng: random.Random, taken: set) -> tuple[str, list, set]:
    frame, polarity_a, polarity_b = rng.choice(frames.FRAMES)
    a, b = rng.sample([actor for actor in frames.ACTORS if actor not in taken], 2)
    text, spans = fill(frame, a, b, rng)
    labelled = [(*spans["A"], polarity_a)]
    if polarity_b and "B" in spans:
        labelled.append((*spans["B"], polarity_b))
    return text, labelled, {a, b}


def _shifted(labelled: list, by: int) -> list:
    return [(start + by, end + by, polarity) for start, end, polarity in labelled]


def generate(count: int = SENTENCES, seed: int = SEED) -> list[tuple[Pair, str]]:
    """(pair, polarity) for every labelled actor of `count` synthetic sentences."""
    rng = random.Random(seed)
    examples = []
    for _ in range(count):
        text, labelled, taken = _one_frame(rng, set())
        if rng.random() >= SINGLE_SHARE:
            second, more, _ = _one_frame(rng, taken)
            joint = rng.choice(frames.CONNECTORS)
            first = text.rstrip(".")
            if joint != ". ":
                second = _lower_opening(second)
            text = first + joint + second
            labelled += _shifted(more, len(first) + len(joint))
        context = rng.choice(frames.CONTEXTS)
        at = context.index("{}")
        if context != "{}":
            core = _lower_opening(text) if at else text
            if context.endswith("."):
                core = core.rstrip(".")
            text = context[:at] + core + context[at + 2 :]
            labelled = _shifted(labelled, at)
        examples += [(Pair(text, start, end), polarity) for start, end, polarity in labelled]
    return examples


def digest() -> str:
    """What the head is fitted from: the frames, the word lists and the settings."""
    data = {
        name: getattr(frames, name)
        for name in dir(frames)
        if name.isupper() and not name.startswith("_")
    }
    settings = (SENTENCES, SINGLE_SHARE, SEED, REGULARISATION, GENERATOR_VERSION, POLARITIES)
    source = repr(sorted(data.items())) + repr(settings) + repr(sorted(_COMMON_OPENINGS))
    return hashlib.sha256(source.encode("utf-8")).hexdigest()[:16]


def head_features(encoder, pairs: list[Pair], batch_size: int = 64) -> np.ndarray:
    """The head's input for each pair (`features.without_prior`), one encoder pass a sentence."""
    states = encoder.sentence_states(pairs, batch_size, MIDDLE_LAYER)
    return np.stack([without_prior(states[pair.sentence], pair) for pair in pairs])


def fit_head(encoder, count: int = SENTENCES, seed: int = SEED) -> dict[str, np.ndarray]:
    """Fit the head on `count` synthetic sentences read by `encoder` (the packaged one)."""
    from sklearn.linear_model import LogisticRegression

    examples = generate(count, seed)
    features = head_features(encoder, [pair for pair, _ in examples])
    targets = np.array([POLARITIES.index(polarity) for _, polarity in examples])
    classifier = LogisticRegression(
        C=REGULARISATION, max_iter=3000, class_weight="balanced", random_state=seed
    ).fit(features, targets)
    order = [list(classifier.classes_).index(i) for i in range(len(POLARITIES))]
    return {
        "coef": classifier.coef_[order].astype(np.float32),
        "intercept": classifier.intercept_[order].astype(np.float32),
        "digest": np.array(digest()),
    }


def load_head(path: Path = HEAD_PATH) -> dict[str, np.ndarray]:
    with np.load(path) as saved:
        return {name: saved[name] for name in saved.files}


def head_logits(head: dict[str, np.ndarray], features: np.ndarray) -> np.ndarray:
    """Log-probabilities (pairs × POLARITIES), with the neutral offset applied."""
    scores = features @ head["coef"].T.astype(np.float64) + head["intercept"]
    scores -= scores.max(axis=1, keepdims=True)
    logits = scores - np.log(np.exp(scores).sum(axis=1, keepdims=True))
    logits[:, POLARITIES.index("neutral")] += NEUTRAL_OFFSET
    return logits


def main() -> None:
    """Fit the head with the packaged encoder and write it where the package ships it."""
    from .embedding import EmbeddingModel

    head = fit_head(EmbeddingModel())
    np.savez(HEAD_PATH, **head)
    print(f"wrote {HEAD_PATH} (digest {head['digest']})")


if __name__ == "__main__":
    main()
