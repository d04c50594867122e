"""Check a sentence-transformers folder before any figure is taken with it.

    python benchmarks/verify_encoder.py /tmp/all-mpnet-base-v2 --layers 12 --hidden 768

Weights that come from a package index rather than the model's own hub are trusted only after
this: the configuration names the architecture; every tensor the architecture needs is in
model.safetensors with the shape the configuration implies (read from the file's header, no
code run); the pooling is the mean the model card documents; and the model behaves like a
trained sentence encoder: paraphrases are far closer than unrelated sentences (a randomly
initialised encoder puts every pair at about the same high cosine). Exits non-zero on any
failure and says which.
"""

from __future__ import annotations

import argparse
import json
import struct
import sys
from pathlib import Path

# (a, b, related): pairs whose order a trained encoder must respect.
PAIRS = [
    ("A man is eating food.", "A man is eating a piece of bread.", True),
    ("The president criticised the senator.", "The senator was criticised by the president.", True),
    ("Stocks fell sharply on Monday.", "Share prices dropped steeply early in the week.", True),
    ("A man is eating food.", "The girl is carrying a baby.", False),
    ("The president criticised the senator.", "A cat sleeps on the warm windowsill.", False),
    ("Stocks fell sharply on Monday.", "Two children play football in the park.", False),
]


def safetensors_header(path: Path) -> dict:
    """The tensor names, dtypes and shapes of a .safetensors file, from its JSON header."""
    with path.open("rb") as handle:
        (length,) = struct.unpack("<Q", handle.read(8))
        header = json.loads(handle.read(length))
    header.pop("__metadata__", None)
    return header


def expected_shapes(config: dict) -> dict[str, list[int]]:
    """The shapes a BERT-family encoder (MPNet, BERT) of this configuration needs."""
    hidden, inner = config["hidden_size"], config["intermediate_size"]
    prefix = "encoder.layer.{}."
    per_layer = {
        "attention.attn.q.weight": [hidden, hidden],
        "attention.attn.k.weight": [hidden, hidden],
        "attention.attn.v.weight": [hidden, hidden],
        "attention.attn.o.weight": [hidden, hidden],
        "intermediate.dense.weight": [inner, hidden],
        "output.dense.weight": [hidden, inner],
    }
    if config["model_type"] == "bert":
        per_layer = {
            "attention.self.query.weight": [hidden, hidden],
            "attention.self.key.weight": [hidden, hidden],
            "attention.self.value.weight": [hidden, hidden],
            "attention.output.dense.weight": [hidden, hidden],
            "intermediate.dense.weight": [inner, hidden],
            "output.dense.weight": [hidden, inner],
        }
    shapes = {"embeddings.word_embeddings.weight": [config["vocab_size"], hidden]}
    for layer in range(config["num_hidden_layers"]):
        for name, shape in per_layer.items():
            shapes[prefix.format(layer) + name] = shape
    return shapes


def check_files(folder: Path, layers: int, hidden: int) -> list[str]:
    problems = []
    config = json.loads((folder / "config.json").read_text())
    if config.get("num_hidden_layers") != layers or config.get("hidden_size") != hidden:
        problems.append(
            f"config.json: {config.get('num_hidden_layers')} layers of"
            f" {config.get('hidden_size')}, expected {layers} of {hidden}"
        )
    header = safetensors_header(folder / "model.safetensors")
    prefix = f"{config['model_type']}."  # some exports name tensors under the model type
    shapes = {name.removeprefix(prefix): value["shape"] for name, value in header.items()}
    names = set(shapes)
    for name, shape in expected_shapes(config).items():
        if name not in names:
            problems.append(f"model.safetensors: no tensor {name}")
        elif shapes[name] != shape:
            problems.append(f"model.safetensors: {name} is {shapes[name]}, expected {shape}")
    pooling = json.loads((folder / "1_Pooling" / "config.json").read_text())
    if not pooling.get("pooling_mode_mean_tokens"):
        problems.append("1_Pooling/config.json: not mean pooling")
    print(
        f"{folder}: {config['model_type']} ({', '.join(config.get('architectures', []))}),"
        f" {config['num_hidden_layers']} layers of {config['hidden_size']},"
        f" {len(header)} tensors, {sum(_size(v['shape']) for v in header.values()):,} weights"
    )
    return problems


def _size(shape: list[int]) -> int:
    total = 1
    for dimension in shape:
        total *= dimension
    return total


def check_behaviour(folder: Path) -> list[str]:
    import numpy as np

    from annotator.models.embedding import EmbeddingModel

    model = EmbeddingModel(str(folder))
    texts = [text for a, b, _ in PAIRS for text in (a, b)]
    vectors = np.stack([states.mean(axis=0) for states, _ in model.token_states(texts)])
    vectors = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    cosines = [float(vectors[2 * n] @ vectors[2 * n + 1]) for n in range(len(PAIRS))]
    related = [c for c, (_, _, r) in zip(cosines, PAIRS) if r]
    unrelated = [c for c, (_, _, r) in zip(cosines, PAIRS) if not r]
    print(
        "cosine of paraphrases "
        + ", ".join(f"{c:.2f}" for c in related)
        + "; of unrelated sentences "
        + ", ".join(f"{c:.2f}" for c in unrelated)
    )
    if min(related) - max(unrelated) < 0.2:
        return ["paraphrases are not clearly closer than unrelated sentences: untrained?"]
    return []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--layers", type=int, required=True)
    parser.add_argument("--hidden", type=int, required=True)
    args = parser.parse_args()
    problems = check_files(args.folder, args.layers, args.hidden)
    problems += check_behaviour(args.folder)
    for problem in problems:
        print(f"FAILED: {problem}")
    if problems:
        sys.exit(1)
    print("verified")


if __name__ == "__main__":
    main()
