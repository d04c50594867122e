"""Learning from gold labels: fine-tune a cross-encoder and save it as `trained:NAME`.

The base is the packaged all-MiniLM-L6-v2 encoder with a fresh classification head over
the actor-marked sentence. Small label sets get more passes over the data (about 2,400
examples seen in all, at least one epoch), so a few hundred labels already train a useful
model and the full NewsMTSC training set takes one epoch.
"""

from __future__ import annotations

import json
import random
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlite_utils import Database

from annotator.models import Pair
from annotator.models.embedding import packaged_model_path
from annotator.models.trained import META_FILE, autocast_bf16, encode_pairs
from annotator.schemes import Scheme
from annotator.store.database import init_database
from annotator.store.reports import gold_pairs

EXAMPLES_SEEN = 2400
MAX_EPOCHS = 8
LEARNING_RATE = 5e-5


@dataclass(frozen=True)
class Example:
    pair: Pair
    label: str


def examples_from_db(db: Database) -> list[Example]:
    """The gold labels of a database (the latest label of each mention)."""
    return [
        Example(Pair(row["sentence"], row["start"], row["end"], row["actor"]), row["label"])
        for row in gold_pairs(db)
    ]


def examples_from_file(path: str | Path, fmt: str, scheme: Scheme) -> list[Example]:
    """The gold labels of a file, read through the importer into a throw-away database."""
    from annotator.ingest import import_file

    with tempfile.TemporaryDirectory() as folder:
        db = init_database(Path(folder) / "train.db", scheme.name)
        try:
            import_file(db, path, fmt, scheme.label_names, "gold")
            return examples_from_db(db)
        finally:
            db.close()


def default_epochs(count: int) -> int:
    return max(1, min(MAX_EPOCHS, round(EXAMPLES_SEEN / max(count, 1))))


def train_model(
    examples: list[Example],
    scheme: Scheme,
    folder: Path,
    epochs: int | None = None,
    batch_size: int = 16,
    seed: int = 0,
    on_progress: Callable[[int], None] | None = None,
) -> dict:
    """Fine-tune on `examples` and save the model to `folder`; return its metadata.

    The model is written to a temporary folder first and moved into place at the end,
    so an interrupted run never leaves a half-written model under its name.
    """
    import torch
    from transformers import (
        AutoModelForSequenceClassification,
        AutoTokenizer,
        get_linear_schedule_with_warmup,
    )

    from annotator.models.base import quiet_loading

    quiet_loading()
    if not examples:
        raise ValueError("no gold labels to train on")
    unknown = {e.label for e in examples} - set(scheme.label_names)
    if unknown:
        raise ValueError(f"labels outside the {scheme.name} scheme: {', '.join(sorted(unknown))}")
    random.seed(seed)
    torch.manual_seed(seed)
    labels = scheme.label_names
    epochs = epochs or default_epochs(len(examples))
    base = packaged_model_path()
    tokenizer = AutoTokenizer.from_pretrained(base)
    model = AutoModelForSequenceClassification.from_pretrained(
        base,
        num_labels=len(labels),
        id2label=dict(enumerate(labels)),
        label2id={label: i for i, label in enumerate(labels)},
    )
    steps = epochs * -(-len(examples) // batch_size)
    optimizer = torch.optim.AdamW(model.parameters(), lr=LEARNING_RATE, weight_decay=0.01)
    schedule = get_linear_schedule_with_warmup(optimizer, int(0.1 * steps), steps)
    started = time.perf_counter()
    model.train()
    order = list(range(len(examples)))
    for _ in range(epochs):
        random.shuffle(order)
        for i in range(0, len(order), batch_size):
            batch = [examples[j] for j in order[i : i + batch_size]]
            inputs = encode_pairs(tokenizer, [e.pair for e in batch])
            targets = torch.tensor([labels.index(e.label) for e in batch])
            with autocast_bf16():
                loss = model(**inputs, labels=targets).loss
            loss.backward()
            optimizer.step()
            schedule.step()
            optimizer.zero_grad()
            if on_progress:
                on_progress(len(batch))
    meta = {
        "name": folder.name,
        "labels": labels,
        "scheme": scheme.name,
        "base": "all-MiniLM-L6-v2",
        "method": "cross-encoder on the actor-marked sentence",
        "examples": len(examples),
        "epochs": epochs,
        "seconds": round(time.perf_counter() - started, 1),
        "trained": datetime.now(UTC).strftime("%Y%m%dT%H%M%S"),
    }
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
    try:
        model.save_pretrained(staging)
        tokenizer.save_pretrained(staging)
        (staging / META_FILE).write_text(json.dumps(meta, indent=2), encoding="utf-8")
        if folder.exists():
            shutil.rmtree(folder)
        staging.rename(folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return meta
