"""Models trained on the team's gold labels: a cross-encoder over the actor-marked sentence.

A trained model is a folder (under the database's `models/` folder) holding the
fine-tuned transformer, its tokenizer and `annotator.json`, which records the labels it
predicts, the base model and how it was trained. Its spec is `trained:NAME`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path

import numpy as np

from annotator.schemes import Scheme

from .base import Pair, Prediction, StanceModel, predictions_from_scores, quiet_loading, softmax

META_FILE = "annotator.json"
MAX_TOKENS = 128
OPEN_MARK, CLOSE_MARK = "<< ", " >>"


def mark(pair: Pair) -> str:
    """The sentence with the mention set off, so the model knows which actor is meant."""
    s = pair.sentence
    return f"{s[: pair.start]}{OPEN_MARK}{s[pair.start : pair.end]}{CLOSE_MARK}{s[pair.end :]}"


def encode_pairs(tokenizer, pairs: Sequence[Pair]):
    """Tokenized (marked sentence, mention) inputs, the cross-encoder's two segments."""
    return tokenizer(
        [mark(pair) for pair in pairs],
        [pair.mention for pair in pairs],
        padding=True,
        truncation="only_first",
        max_length=MAX_TOKENS,
        return_tensors="pt",
    )


def autocast_bf16():
    """bf16 autocast where the CPU has bf16 units; a no-op context elsewhere."""
    import contextlib

    import torch

    from .embedding import cpu_has_fast_bf16

    if cpu_has_fast_bf16():
        return torch.autocast("cpu", dtype=torch.bfloat16)
    return contextlib.nullcontext()


class TrainedModel(StanceModel):
    """A fine-tuned sequence classifier saved by `annotator train`."""

    method_version = "ce1"

    def __init__(self, name: str, folder: Path):
        self.name, self.folder = name, Path(folder)
        self.spec = f"trained:{name}"
        if not (self.folder / META_FILE).is_file():
            raise ValueError(f"no trained model {name!r} in {self.folder.parent}")

    @cached_property
    def meta(self) -> dict:
        return json.loads((self.folder / META_FILE).read_text(encoding="utf-8"))

    def template_version(self, scheme: Scheme) -> str:
        """Retraining under the same name must re-predict: the version names the training run."""
        return f"{self.method_version}-{self.meta['trained']}"

    @cached_property
    def _network(self):
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        quiet_loading()
        tokenizer = AutoTokenizer.from_pretrained(self.folder)
        model = AutoModelForSequenceClassification.from_pretrained(self.folder).eval()
        return tokenizer, model

    def warm_up(self) -> None:
        self._network  # noqa: B018  (loads model and tokenizer)

    def predict(
        self, pairs: Sequence[Pair], scheme: Scheme, batch_size: int = 64
    ) -> list[Prediction]:
        import torch

        labels = self.meta["labels"]
        if set(labels) != set(scheme.label_names):
            raise ValueError(
                f"{self.spec} predicts {', '.join(labels)}; "
                f"this database uses {', '.join(scheme.label_names)}"
            )
        if not pairs:
            return []
        tokenizer, model = self._network
        chunks = []
        with torch.inference_mode(), autocast_bf16():
            for i in range(0, len(pairs), batch_size):
                inputs = encode_pairs(tokenizer, pairs[i : i + batch_size])
                chunks.append(model(**inputs).logits.float().numpy())
        probabilities = softmax(np.concatenate(chunks))
        order = [labels.index(name) for name in scheme.label_names]
        return predictions_from_scores(probabilities[:, order], scheme.label_names)
