"""Zero-shot stance by natural-language inference (any transformers NLI model).

The model, tokenizer and entailment label are resolved exactly as transformers'
zero-shot-classification pipeline does; every (pair × label) hypothesis is then scored
in batched forward passes, because each actor needs its own hypotheses and the pipeline
would run them a few at a time.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property

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


class NliModel(StanceModel):
    """Entailment scores of one hypothesis per label, softmaxed across the labels."""

    method_version = "nli1"

    def __init__(self, name_or_path: str):
        if not name_or_path:
            raise ValueError("the nli backend needs a model name or path: nli:NAME_OR_PATH")
        self.name_or_path = name_or_path
        self.spec = f"nli:{name_or_path}"

    @cached_property
    def pipeline(self):
        from transformers import pipeline

        quiet_loading()
        dtype = device.half_precision() if device.current() == "cuda" else None
        return pipeline(
            "zero-shot-classification",
            model=self.name_or_path,
            device=device.current(),
            dtype=dtype,
        )

    def warm_up(self) -> None:
        self.pipeline  # noqa: B018  (loads model and tokenizer)

    def _entailment_logits(self, premises: list[str], hypotheses: list[str]) -> np.ndarray:
        import torch

        pipe = self.pipeline
        inputs = pipe.tokenizer(
            premises, hypotheses, padding=True, truncation="only_first", return_tensors="pt"
        )
        with torch.inference_mode():
            logits = pipe.model(**device.on_device(dict(inputs))).logits
        return logits[:, pipe.entailment_id].float().cpu().numpy()

    def predict(
        self, pairs: Sequence[Pair], scheme: Scheme, batch_size: int = 64
    ) -> list[Prediction]:
        if not pairs:
            return []
        premises, hypotheses = [], []
        for pair in pairs:
            for label in scheme.labels:
                premises.append(pair.sentence)
                hypotheses.append(label.hypothesis.format(actor=pair.name))
        # Batches of similar length: a batch is padded to its longest input, and news
        # sentences range from a few words to a hundred.
        order = sorted(range(len(premises)), key=lambda i: len(premises[i]) + len(hypotheses[i]))
        step = device.batch(batch_size)
        logits = np.empty(len(premises), dtype=np.float32)
        for i in range(0, len(order), step):
            chosen = order[i : i + step]
            logits[chosen] = self._entailment_logits(
                [premises[j] for j in chosen], [hypotheses[j] for j in chosen]
            )
        matrix = softmax(logits.reshape(len(pairs), len(scheme.labels)))
        return predictions_from_scores(matrix, scheme.label_names)
