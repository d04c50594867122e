"""A randomly initialised NLI model of a published architecture, to time the `nli:` backend.

    python benchmarks/random_nli.py /tmp/nli-deberta-v3-base --arch deberta-v3-base
    python benchmarks/predict_speed.py --model nli:/tmp/nli-deberta-v3-base --data FILE

No NLI model installs from the package indexes this project can reach, but a forward pass costs
the same whatever the weights hold: the folder this writes has the layer sizes, attention and
labels of the named model (its configuration as published), random weights and the packaged
all-MiniLM-L6-v2 tokenizer (WordPiece, 30,522 words). The real models read SentencePiece with a
larger vocabulary, which splits news text into a few per cent fewer tokens, so the figures it
gives are slightly pessimistic. Its labels are noise: use it for speed, never for quality.
"""

from __future__ import annotations

import argparse
from pathlib import Path

# Configurations as the model cards publish them (the zero-shot fine-tunes keep their base
# model's sizes and have two labels). Only what sets the cost of a forward pass matters here.
DEBERTA_V3 = {
    "model_type": "deberta-v2",
    "relative_attention": True,
    "position_buckets": 256,
    "norm_rel_ebd": "layer_norm",
    "share_att_key": True,
    "pos_att_type": ["p2c", "c2p"],
    "layer_norm_eps": 1e-7,
    "max_relative_positions": -1,
    "position_biased_input": False,
    "max_position_embeddings": 512,
    "type_vocab_size": 0,
    "vocab_size": 128_100,
}
ARCHITECTURES = {
    # MoritzLaurer/deberta-v3-base-zeroshot-v2.0 (the README's example)
    "deberta-v3-base": {
        **DEBERTA_V3,
        "hidden_size": 768,
        "num_hidden_layers": 12,
        "num_attention_heads": 12,
        "intermediate_size": 3072,
    },
    # MoritzLaurer/deberta-v3-xsmall-zeroshot-v1.1-all-33 (the small one of that family)
    "deberta-v3-xsmall": {
        **DEBERTA_V3,
        "hidden_size": 384,
        "num_hidden_layers": 12,
        "num_attention_heads": 6,
        "intermediate_size": 1536,
    },
    # facebook/bart-large-mnli (transformers' zero-shot pipeline's long-time default)
    "bart-large-mnli": {
        "model_type": "bart",
        "d_model": 1024,
        "encoder_layers": 12,
        "decoder_layers": 12,
        "encoder_attention_heads": 16,
        "decoder_attention_heads": 16,
        "encoder_ffn_dim": 4096,
        "decoder_ffn_dim": 4096,
        "max_position_embeddings": 1024,
        "vocab_size": 50_265,
    },
}
LABELS = {0: "entailment", 1: "not_entailment"}


def build(folder: Path, architecture: str, seed: int = 0, **overrides) -> None:
    """Write a randomly initialised model of `architecture` with the packaged tokenizer;
    `overrides` change its configuration (the tests build one-layer models)."""
    import torch
    from transformers import AutoConfig, AutoModelForSequenceClassification, AutoTokenizer

    from annotator.models.embedding import packaged_model_path

    settings = {**ARCHITECTURES[architecture], **overrides}
    kind = settings.pop("model_type")
    labels = LABELS if kind != "bart" else {0: "contradiction", 1: "neutral", 2: "entailment"}
    config = AutoConfig.for_model(
        kind, id2label=labels, label2id={v: k for k, v in labels.items()}, **settings
    )
    tokenizer = AutoTokenizer.from_pretrained(packaged_model_path())
    if kind == "bart":  # BART needs its special tokens inside its own vocabulary
        config.pad_token_id = tokenizer.pad_token_id
        config.eos_token_id = config.decoder_start_token_id = tokenizer.sep_token_id
        config.bos_token_id = tokenizer.cls_token_id
    torch.manual_seed(seed)
    model = AutoModelForSequenceClassification.from_config(config)
    folder.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    parameters = sum(p.numel() for p in model.parameters())
    print(f"{folder}: {architecture}, {parameters / 1e6:.0f} M parameters, random weights")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--arch", choices=sorted(ARCHITECTURES), default="deberta-v3-base")
    args = parser.parse_args()
    build(args.folder, args.arch)


if __name__ == "__main__":
    main()
