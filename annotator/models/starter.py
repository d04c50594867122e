"""The starter model: the offline default's encoder with a head that learned from NewsMTSC.

Before a project has gold of its own, the best pre-labels come from labelled news that
already exists: NewsMTSC's train split (8,739 person mentions in US political news, MIT,
shipped in `annotator/data/newsmtsc/`). The default's encoder is fine-tuned on it once,
with a mention-pooling head; the result is kept in the models folder beside the database and
shared by every project there. `annotator.starter` builds it; this module loads what was built.

It learns NewsMTSC's sentiment labels and predicts a stance project's labels through the
mapping the zero-shot default uses (favor: positive, against: negative).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from pathlib import Path

from annotator.schemes import Scheme, get_scheme

from .base import Pair, Prediction, StanceModel
from .examples import POLARITY_OF_LABEL
from .registry import STARTER_FOLDER, starter_ready
from .trained import open_trained

STARTER_SPEC = "starter"
FOLDER_NAME = STARTER_FOLDER
TRAINED_SCHEME = "sentiment"  # NewsMTSC's labels


def starter_folder(models_dir: str | Path) -> Path:
    return Path(models_dir) / FOLDER_NAME


class StarterModel(StanceModel):
    """The built starter (a cross-encoder of the `trained` backend), under its own spec."""

    spec = STARTER_SPEC

    def __init__(self, models_dir: str | Path):
        folder = starter_folder(models_dir)
        if not starter_ready(models_dir):
            raise ValueError(
                f"the starter model is not built yet in {Path(models_dir)}: "
                "`annotator predict --model starter` builds it (a few minutes, once)"
            )
        self.inner = open_trained(FOLDER_NAME, folder)
        self.meta = self.inner.meta

    @property
    def method_version(self) -> str:
        return f"starter-{self.meta['trained']}"

    def trained_on(self) -> frozenset[str]:
        return self.inner.trained_on()

    def warm_up(self) -> None:
        self.inner.warm_up()

    @cached_property
    def _sentiment(self) -> Scheme:
        return get_scheme(TRAINED_SCHEME)

    def predict(
        self, pairs: Sequence[Pair], scheme: Scheme, batch_size: int = 64
    ) -> list[Prediction]:
        polarity = {label: POLARITY_OF_LABEL.get(label, label) for label in scheme.label_names}
        unknown = set(polarity.values()) - set(self._sentiment.label_names)
        if unknown:
            raise ValueError(f"the starter model cannot predict {', '.join(sorted(unknown))}")
        result = []
        for prediction in self.inner.predict(pairs, self._sentiment, batch_size):
            scores = {label: prediction.scores[polarity[label]] for label in scheme.label_names}
            best = max(scores, key=scores.get)
            result.append(Prediction(best, scores[best], scores))
        return result
