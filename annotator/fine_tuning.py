"""Fine-tuning the cross-encoder (`models.mention_classifier`) on gold labels: from the
packaged encoder, or continued from a cross-encoder the project trained before.

A continuation is what keeps the learning loop's turns short once the gold is large. A turn
that adds 100 gold labels to 2,000 need not spend twenty minutes on two cores learning the
2,000 again: it starts from the active cross-encoder, which learned them, and trains on the
new gold plus a rehearsal sample of the gold it learned (`REHEARSAL` old examples per new
one; a network trained on the newest labels alone drifts toward them and forgets the rest),
at a lower learning rate. The learning loop decides when to continue and when to start from
the encoder again (`learning.plan_learning`).
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Sequence
from pathlib import Path

from annotator.models import device
from annotator.models.trained import HEAD_KIND, MARKED, META_FILE
from annotator.store.reports import span_key

EXAMPLES_SEEN = 6000  # from the encoder: passes over at least this many examples
MAX_EPOCHS = 8
# Up to this many labels, at least a second pass: on all of NewsMTSC train (8,683) it lifts
# devtest_mt macro-F1 from 0.730 to 0.751 for 884 s of training instead of 401 on 2 cores.
# Beyond, one pass already takes a quarter of an hour there.
TWO_PASSES_UP_TO = 10_000
LEARNING_RATE = 5e-5  # the encoder's
HEAD_LEARNING_RATE = 1e-3  # the new head starts from nothing and may move faster
CONTINUED_LEARNING_RATE = 2e-5  # both have learned already: smaller steps keep what they know
CONTINUED_HEAD_LEARNING_RATE = 2e-4
CONTINUED_EPOCHS = 2
INPUT = MARKED  # what a cross-encoder trained from the encoder reads (continuations: the parent's)
REHEARSAL = 2  # a continuation trains on each new example and this many it learned before
# A network trained from the encoder reads each example of a sentence whose actors differ in
# label this many times. NewsMTSC train has few of them (9 %) and they alone show a network the
# stance toward one actor apart from the tone of the sentence; on devtest_mt, where 41 % of the
# targets are in such sentences, reading them twice lifted the cross-encoder on all of train
# there in both orders of its labels tried (macro-F1 0.657 → 0.669, 0.674 → 0.693; the whole
# file moves by ±0.02 with the order alone) for 5 % more steps. Weighting them in the loss
# instead (no extra steps) did not help the starter: 0.748, its held-out fifth 0.763 against
# 0.773.
CONTRAST_REPEATS = 2
# The starter learns from fewer labels (6,991) and reads them three times: devtest_mt 0.743-0.745
# → 0.748-0.752 (two seeds), 0.669 → 0.685-0.691 on the sentences whose actors differ.
STARTER_CONTRAST_REPEATS = 3


def fine_tune_work(count: int, epochs: int, companion: bool = True) -> int:
    """Progress units of training a cross-encoder on `count` labels: each pass, then the
    companion linear head's one pass of the frozen encoder (`training`). A label read again
    (`with_contrasts_repeated`) does not add units: `fine_tune` spreads them over the reads."""
    return count * (epochs + companion)


def default_epochs(count: int) -> int:
    """Passes over `count` labels fine-tuned from the encoder: enough to see EXAMPLES_SEEN
    examples (few labels need many passes), at least two where time allows."""
    least = 2 if count <= TWO_PASSES_UP_TO else 1
    return max(least, min(MAX_EPOCHS, round(EXAMPLES_SEEN / max(count, 1))))


def example_key(example) -> str:
    pair = example.pair
    return span_key(pair.sentence, pair.start, pair.end)


def rehearsal(examples: Sequence, learned: frozenset[str], seed: int = 0) -> list:
    """What a continuation trains on: every example not in `learned` (the span keys its
    starting model learned from) and a random sample of the others, `REHEARSAL` per new one."""
    new = [e for e in examples if example_key(e) not in learned]
    old = [e for e in examples if example_key(e) in learned]
    kept = random.Random(seed).sample(old, min(len(old), REHEARSAL * len(new)))
    return new + kept


def in_contrast(examples: Sequence) -> list[bool]:
    """Which examples share their sentence with an example of another label: the ones that
    show the network the stance toward one actor apart from the tone of the whole sentence."""
    labels: dict[str, set[str]] = {}
    for example in examples:
        labels.setdefault(example.pair.sentence, set()).add(example.label)
    return [len(labels[example.pair.sentence]) > 1 for example in examples]


def with_contrasts_repeated(examples: Sequence, repeats: int = CONTRAST_REPEATS) -> list:
    """`examples` and the ones `in_contrast` again, so each of those is read `repeats` times."""
    contrasts = [e for e, c in zip(examples, in_contrast(examples)) if c]
    return list(examples) + contrasts * (repeats - 1)


def spread_progress(
    on_progress: Callable[[int], None] | None, units: int, reads: int
) -> Callable[[int], None] | None:
    """`on_progress` counting `units` in all over `reads` examples read: a repeated example
    moves the bar as far as any other, and the bar ends where `fine_tune_work` said it would."""
    if on_progress is None:
        return None
    done = reported = 0

    def report(count: int) -> None:
        nonlocal done, reported
        done += count
        now = done * units // reads
        if now > reported:
            on_progress(now - reported)
            reported = now

    return report


def continued_size(new: int, old: int) -> int:
    """How many examples a continuation over `new` new and `old` learned examples trains on."""
    return new + min(old, REHEARSAL * new)


def fine_tune(
    examples: Sequence,
    labels: list[str],
    folder: Path,
    epochs: int | None = None,
    batch_size: int = 16,
    seed: int = 0,
    on_progress: Callable[[int], None] | None = None,
    start: Path | None = None,
    reads: str | None = None,
    contrast_repeats: int = CONTRAST_REPEATS,
) -> dict:
    """Train on `examples` (each with `.pair` and `.label`) and save the network to `folder`;
    `start`: the folder of a cross-encoder to continue from (the packaged encoder otherwise);
    `reads`: what a network trained from the encoder reads (INPUT unless given);
    `contrast_repeats`: how many times a network trained from the encoder reads the examples
    `in_contrast` (a continuation reads each once: its new labels and their rehearsal sample).
    `on_progress` gets `fine_tune_work(len(examples), epochs, companion=False)` units in all.
    Returns the details for the model's metadata."""
    import torch
    from transformers import AutoTokenizer, get_linear_schedule_with_warmup

    from annotator.models.embedding import packaged_model_path
    from annotator.models.mention_classifier import (
        MentionClassifier,
        encode,
        length_batches,
    )

    random.seed(seed)
    torch.manual_seed(seed)
    if start is None:
        base = packaged_model_path()
        model = MentionClassifier.fresh(base, len(labels))
        epochs = epochs or default_epochs(len(examples))
        rates = LEARNING_RATE, HEAD_LEARNING_RATE
        reads = reads or INPUT
        labelled = len(examples)
        examples = with_contrasts_repeated(examples, contrast_repeats)
    else:
        base = start
        model = MentionClassifier.load(start)
        reads = json.loads((Path(start) / META_FILE).read_text(encoding="utf-8")).get(
            "input", MARKED
        )
        epochs = epochs or CONTINUED_EPOCHS
        rates = CONTINUED_LEARNING_RATE, CONTINUED_HEAD_LEARNING_RATE
        labelled, contrast_repeats = len(examples), 1
    # The word embeddings stay as the encoder learned them: updating their 11.7 M weights
    # (half the encoder's) took a quarter of each step's time on 2 cores (44 → 33 ms an
    # example), and a few thousand labels teach little about 30,000 words (3,000 NewsMTSC
    # labels, devtest_mt macro-F1: 0.707 kept, 0.709 updated).
    model.encoder.embeddings.word_embeddings.weight.requires_grad_(False)
    tokenizer = AutoTokenizer.from_pretrained(base)
    batches = length_batches([e.pair for e in examples], batch_size)
    steps = epochs * len(batches)
    optimizer = torch.optim.AdamW(
        [
            {"params": [p for p in model.encoder.parameters() if p.requires_grad], "lr": rates[0]},
            {"params": model.head.parameters(), "lr": rates[1]},
        ],
        weight_decay=0.01,
    )
    schedule = get_linear_schedule_with_warmup(optimizer, int(0.1 * steps), steps)
    progress = spread_progress(on_progress, labelled * epochs, len(examples) * epochs)
    targets = torch.tensor([labels.index(e.label) for e in examples])
    counts = torch.bincount(targets, minlength=len(labels)).clamp(min=1)
    weights = len(examples) / (len(labels) * counts.float())  # every label counts the same
    model.train()
    for _ in range(epochs):
        random.shuffle(batches)  # batches of similar length, in a new order each epoch
        for batch in batches:
            inputs, rows, mention = encode(
                tokenizer, [examples[i].pair for i in batch], reads == MARKED
            )
            with device.autocast("cpu"):
                scores = model(inputs, rows, mention)
            loss = torch.nn.functional.cross_entropy(scores.float(), targets[batch], weight=weights)
            loss.backward()
            optimizer.step()
            schedule.step()
            optimizer.zero_grad()
            if progress:
                progress(len(batch))
    model.save(folder)
    tokenizer.save_pretrained(folder)
    return {
        "epochs": epochs,
        "learning_rate": rates[0],
        "head": HEAD_KIND,
        "head_learning_rate": rates[1],
        "input": reads,
        "contrast_repeats": contrast_repeats,
    }
