"""The fastest pre-labelling this CPU allows the default encoder, against what it does.

Counts the multiply-adds all-MiniLM-L6-v2 needs for the distinct sentences of a NewsMTSC
file (its dense layers: attention projections and the feed-forward block, per token), times
this CPU's matrix multiplication at the encoder's own shapes, in float32 and, where the CPU
has bf16 units, in bf16, and prints the pairs per second that would give with every
multiplication at full speed. Then it times the encoder's forward passes alone, as the
embedding backend batches them, for comparison with what `annotator predict` prints.

    python benchmarks/encoder_roofline.py [--data ../shared/data/newsmtsc/devtest_mt.jsonl]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import torch

from annotator.models.embedding import EmbeddingModel
from annotator.starter import starter_examples

DEVTEST = Path(__file__).resolve().parents[1].parent / "shared/data/newsmtsc/devtest_mt.jsonl"


def dense_flops_per_token(config) -> int:
    """Floating-point operations of one token through the encoder's dense layers."""
    hidden, inner = config.hidden_size, config.intermediate_size
    per_layer = 4 * hidden * hidden + 2 * hidden * inner  # Q, K, V, output; feed-forward
    return 2 * per_layer * config.num_hidden_layers


def matmul_flops_per_second(tokens: int, hidden: int, inner: int, dtype) -> float:
    left, right = torch.randn(tokens, hidden, dtype=dtype), torch.randn(hidden, inner, dtype=dtype)
    for _ in range(3):
        left @ right
    rounds, started = 30, time.perf_counter()
    for _ in range(rounds):
        left @ right
    return rounds * 2 * tokens * hidden * inner / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEVTEST)
    args = parser.parse_args()
    pairs = [example.pair for example in starter_examples(args.data)]
    sentences = list(dict.fromkeys(pair.sentence for pair in pairs))
    model = EmbeddingModel()
    tokenizer, network, limit = model.encoder
    tokens = sum(
        len(tokenizer(s, truncation=True, max_length=limit)["input_ids"]) for s in sentences
    )
    flops = tokens * dense_flops_per_token(network.config)
    print(f"{len(pairs):,} pairs in {len(sentences):,} sentences, {tokens:,} tokens")
    print(f"dense layers: {flops / 1e9:.0f} GFLOP")
    config = network.config
    kinds = [("float32", torch.float32)]
    if torch.backends.mkldnn.is_available() and torch.ops.mkldnn._is_mkldnn_bf16_supported():
        kinds.append(("bf16", torch.bfloat16))
    for name, dtype in kinds:
        speed = matmul_flops_per_second(2048, config.hidden_size, config.intermediate_size, dtype)
        bound = len(pairs) / (flops / speed)
        print(f"{name}: matmul {speed / 1e9:.0f} GFLOP/s → at most {bound:.0f} pairs/s")
    started = time.perf_counter()
    model.token_states(sentences)
    seconds = time.perf_counter() - started
    print(
        f"encoder forward passes as predict runs them: {seconds:.1f} s, "
        f"{len(pairs) / seconds:.0f} pairs/s"
    )


if __name__ == "__main__":
    main()
