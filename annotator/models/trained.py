"""Models trained on the team's gold labels, kept as folders and named `trained:NAME`.

A trained model is a folder (under the database's `models/` folder) holding
`annotator.json` (the labels it predicts, its method, how it was trained) and either
a fine-tuned cross-encoder (`cross-encoder`: over the actor-marked sentence, or over each
sentence once for the starter; meta `input`) or the weights of a logistic regression over
frozen features (`linear`, in `linear.npz`). A cross-encoder trained since companions keeps a
linear head's weights too (meta `companion`) and predicts by the mean of both heads'
log-probabilities.
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

META_FILE = "annotator.json"
LINEAR_FILE = "linear.npz"
TRAINED_ON_FILE = "trained_on.txt"  # the span key of every training example, one a line
CROSS_ENCODER, LINEAR = "cross-encoder", "linear"
HEAD_KIND = "mention-pool"  # a cross-encoder's `head` since the mention-pooling classifier
MAX_TOKENS = 128
OPEN_MARK, CLOSE_MARK = "<< ", " >>"
# What a cross-encoder reads (meta `input`): a marked sentence per pair, or each sentence once
MARKED, SENTENCE = "marked", "sentence"


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


def open_trained(name: str, folder: Path) -> TrainedModel:
    """The trained model saved in `folder`, of whichever method it was trained with."""
    meta_path = Path(folder) / META_FILE
    if not meta_path.is_file():
        raise ValueError(f"no trained model {name!r} in {Path(folder).parent}")
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    kind = {CROSS_ENCODER: CrossEncoderModel, LINEAR: LinearModel}.get(meta.get("method"))
    if kind is None:
        raise ValueError(f"{meta_path}: unknown method {meta.get('method')!r}")
    return kind(name, Path(folder), meta)


def trained_on(folder: Path) -> frozenset[str]:
    """The span keys (see `store.reports.span_key`) of the examples a model was trained on,
    so that it is never scored on them; empty for a folder without the list."""
    path = Path(folder) / TRAINED_ON_FILE
    if not path.is_file():
        return frozenset()
    return frozenset(path.read_text(encoding="utf-8").split())


class TrainedModel(StanceModel):
    """What every trained model shares: its metadata and the label check."""

    def __init__(self, name: str, folder: Path, meta: dict):
        self.name, self.folder, self.meta = name, folder, meta
        self.spec = f"trained:{name}"

    def trained_on(self) -> frozenset[str]:
        return trained_on(self.folder)

    def template_version(self, scheme: Scheme) -> str:
        """Retraining under the same name must re-predict: the version names the training run."""
        return f"{self.method_version}-{self.meta['trained']}"

    def _check_labels(self, scheme: Scheme) -> list[int]:
        """Column order that maps the model's labels onto the scheme's."""
        labels = self.meta["labels"]
        if set(labels) != set(scheme.label_names):
            raise ValueError(
                f"{self.spec} predicts {', '.join(labels)}; "
                f"this database uses {', '.join(scheme.label_names)}"
            )
        return [labels.index(name) for name in scheme.label_names]

    def predict(
        self, pairs: Sequence[Pair], scheme: Scheme, batch_size: int = 64
    ) -> list[Prediction]:
        order = self._check_labels(scheme)
        if not pairs:
            return []
        probabilities = softmax(self.logits(pairs, batch_size))
        return predictions_from_scores(probabilities[:, order], scheme.label_names)

    def logits(self, pairs: Sequence[Pair], batch_size: int) -> np.ndarray:
        raise NotImplementedError


class CrossEncoderModel(TrainedModel):
    """A fine-tuned encoder over the marked sentence: with the mention-pooling head
    (`mention_classifier`, meta `head`: HEAD_KIND) or, for models trained before it,
    transformers' sequence classifier over (marked sentence, mention)."""

    method_version = "ce1"

    @cached_property
    def _network(self):
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        quiet_loading()
        tokenizer = AutoTokenizer.from_pretrained(self.folder)
        if self.meta.get("head") == HEAD_KIND:
            from .mention_classifier import MentionClassifier

            return tokenizer, MentionClassifier.load(self.folder).to(device.current())
        model = AutoModelForSequenceClassification.from_pretrained(self.folder).eval()
        return tokenizer, model.to(device.current())

    @property
    def marked(self) -> bool:
        """Whether it reads one marked sentence per pair (`mention_classifier.encode`)."""
        return self.meta.get("input", MARKED) == MARKED

    def warm_up(self) -> None:
        self._network  # noqa: B018  (loads model and tokenizer)
        if self.meta.get("companion"):
            from .registry import load_model

            load_model("embedding").warm_up()

    def logits(self, pairs: Sequence[Pair], batch_size: int) -> np.ndarray:
        import torch

        from .mention_classifier import encode, length_batches

        tokenizer, model = self._network
        result = np.zeros((len(pairs), len(self.meta["labels"])), dtype=np.float32)
        with torch.inference_mode(), device.autocast():
            for batch in length_batches(pairs, device.batch(batch_size)):
                chosen = [pairs[i] for i in batch]
                if self.meta.get("head") == HEAD_KIND:
                    inputs, rows, mention = encode(tokenizer, chosen, self.marked)
                    here = device.current()
                    scores = model(device.on_device(inputs), rows.to(here), mention.to(here))
                else:
                    scores = model(**device.on_device(encode_pairs(tokenizer, chosen))).logits
                result[batch] = scores.float().cpu().numpy()
        companion = self.meta.get("companion")
        if companion is None:  # trained before cross-encoders had one
            return result
        linear = linear_logits(self.folder, companion["features"], pairs, batch_size)
        return (log_softmax(result) + log_softmax(linear)) / 2


class LinearModel(TrainedModel):
    """Logistic regression over frozen features of the packaged encoder."""

    method_version = "lin1"

    def warm_up(self) -> None:
        from .registry import load_model

        load_model("embedding").warm_up()

    def logits(self, pairs: Sequence[Pair], batch_size: int) -> np.ndarray:
        return linear_logits(self.folder, self.meta.get("features", "f1"), pairs, batch_size)


def linear_logits(folder: Path, version: str, pairs: Sequence[Pair], batch_size: int) -> np.ndarray:
    """The logits of the linear head saved in `folder` (a linear model's, or a cross-encoder's
    companion), over features of `version` from the packaged encoder."""
    from .features import pair_features
    from .registry import load_model

    with np.load(Path(folder) / LINEAR_FILE) as saved:
        coef, intercept = saved["coef"], saved["intercept"]
    features = pair_features(load_model("embedding"), pairs, batch_size, version)
    return features @ coef.T + intercept


def log_softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
