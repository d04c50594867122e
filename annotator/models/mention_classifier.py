"""The network the cross-encoder method fine-tunes: the encoder reads the actor-marked
sentence (or, for the starter, each sentence once, unmarked), and a small head classifies
three views of it pooled together.

The views are the first token, the mean of all tokens and the mean of the marked mention's
own tokens (markers included). The packaged encoder was trained on mean-pooled sentences,
so the means carry meaning from the first step, where a classifier on the first token alone
(transformers' sequence classification) starts from a vector the encoder never learned to
fill; and the mention's tokens say which of the sentence's actors is meant. On NewsMTSC
(3,000 train labels, scored on devtest_mt, two epochs) macro-F1 went from 0.693 to 0.732.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch

from .base import Pair
from .trained import CLOSE_MARK, MAX_TOKENS, OPEN_MARK, mark

HEAD_FILE = "head.npz"
VIEWS = 3  # first token, all tokens, the mention's tokens


def encode(
    tokenizer, pairs: Sequence[Pair], marked: bool = True
) -> tuple[dict, torch.Tensor, torch.Tensor]:
    """Tokenized inputs, the input row of each pair and, per pair and token, 1.0 where the
    token belongs to the pair's mention.

    `marked`: one row per pair, its mention set off by markers. Otherwise each distinct
    sentence is one row, read once however many of its actors the pairs name, and a pair
    differs from the others of its sentence by its mention's tokens alone."""
    if marked:
        texts, rows = [mark(pair) for pair in pairs], list(range(len(pairs)))
    else:
        row_of = {
            sentence: row for row, sentence in enumerate(dict.fromkeys(p.sentence for p in pairs))
        }
        texts, rows = list(row_of), [row_of[pair.sentence] for pair in pairs]
    inputs = tokenizer(
        texts,
        padding=True,
        truncation=True,
        max_length=MAX_TOKENS,
        return_offsets_mapping=True,
        return_tensors="pt",
    )
    rows = torch.tensor(rows)
    offsets = inputs.pop("offset_mapping")[rows]
    marks = len(OPEN_MARK) + len(CLOSE_MARK) if marked else 0
    starts = torch.tensor([pair.start for pair in pairs]).unsqueeze(1)
    ends = torch.tensor([pair.end + marks for pair in pairs]).unsqueeze(1)
    begin, finish = offsets[:, :, 0], offsets[:, :, 1]
    mention = (begin < ends) & (finish > starts) & (finish > begin)
    return dict(inputs), rows, mention.float()


class MentionClassifier(torch.nn.Module):
    """Encoder plus a linear head over the three pooled views."""

    def __init__(self, encoder, label_count: int):
        super().__init__()
        self.encoder = encoder
        self.dropout = torch.nn.Dropout(0.1)
        self.head = torch.nn.Linear(VIEWS * encoder.config.hidden_size, label_count)

    def forward(self, inputs: dict, rows: torch.Tensor, mention: torch.Tensor) -> torch.Tensor:
        """Scores of each pair (`encode`'s rows and mention masks)."""
        states = self.encoder(**inputs).last_hidden_state[rows]
        present = inputs["attention_mask"][rows].unsqueeze(-1).to(states.dtype)
        marked = mention.unsqueeze(-1).to(states.dtype)
        views = torch.cat(
            [
                states[:, 0],
                (states * present).sum(1) / present.sum(1),
                (states * marked).sum(1) / marked.sum(1).clamp(min=1),
            ],
            dim=-1,
        )
        return self.head(self.dropout(views))

    @classmethod
    def fresh(cls, encoder_path: str, label_count: int) -> MentionClassifier:
        from transformers import AutoModel

        return cls(AutoModel.from_pretrained(encoder_path), label_count)

    def save(self, folder: Path) -> None:
        self.encoder.save_pretrained(folder)
        weight = self.head.weight.detach().numpy()
        np.savez(Path(folder) / HEAD_FILE, weight=weight, bias=self.head.bias.detach().numpy())

    @classmethod
    def load(cls, folder: Path) -> MentionClassifier:
        from transformers import AutoModel

        with np.load(Path(folder) / HEAD_FILE) as saved:
            weight, bias = torch.from_numpy(saved["weight"]), torch.from_numpy(saved["bias"])
        model = cls(AutoModel.from_pretrained(folder), weight.shape[0])
        with torch.no_grad():
            model.head.weight.copy_(weight)
            model.head.bias.copy_(bias)
        return model.eval()


def length_batches(pairs: Sequence[Pair], batch_size: int) -> list[list[int]]:
    """Indices of `pairs` in batches of similar sentence length (little padding to compute),
    the pairs of one sentence side by side (read once where the input is the sentence)."""
    order = sorted(range(len(pairs)), key=lambda i: (len(pairs[i].sentence), pairs[i].sentence))
    return [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
