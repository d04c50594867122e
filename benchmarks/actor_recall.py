"""How many of the people NewsMTSC's annotators labelled does the import find as mentions?

Each sentence of the file is imported on its own (as the benchmark gives them) through the
import's own analysis (`text.sentences.analyse_documents`). A labelled target counts as found
when a mention overlaps its span; targets that are pronouns or descriptions ("the senator")
are counted apart. Prints recall over named targets, mentions per sentence (the
precision side: how much more the import proposes), and with `--missed N` a sample of the
targets not found.

    python benchmarks/actor_recall.py [--data PATH ...] [--missed 30]
"""

from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path

from annotator.text.pronouns import is_pronoun
from annotator.text.sentences import analyse_documents

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "newsmtsc"
DETERMINERS = {"the", "a", "an", "his", "her", "their", "its", "our", "my"}


def is_named(mention: str) -> bool:
    """A target written as a name: a capitalised word after any determiner ("Blame Theresa",
    "President Trump"), unlike "the senator", "The pope" or "The company"."""
    words = mention.split()
    while words and words[0].lower() in DETERMINERS:
        words = words[1:]
    return any(word[:1].isupper() for word in words)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data", type=Path, nargs="+", default=[DATA / "train.jsonl", DATA / "devtest_mt.jsonl"]
    )
    parser.add_argument("--missed", type=int, default=0, help="print this many targets missed")
    args = parser.parse_args()
    for path in args.data:
        records = [json.loads(line) for line in path.open(encoding="utf-8")]
        texts = [r["sentence_normalized"] for r in records]
        started = time.perf_counter()
        named = found = pronouns = pronouns_found = described = described_found = mentions = 0
        missed = []
        for record, sentences in zip(records, analyse_documents(texts)):
            text = record["sentence_normalized"]
            spans = []
            for sentence in sentences:
                offset = text.find(sentence.text)
                spans += [(m.start + offset, m.end + offset) for m in sentence.mentions]
            mentions += len(spans)
            for target in record["targets"]:
                hit = any(s < target["to"] and target["from"] < e for s, e in spans)
                if is_pronoun(target["mention"]):
                    pronouns += 1
                    pronouns_found += hit
                    continue
                if not is_named(target["mention"]):
                    described += 1
                    described_found += hit
                    continue
                named += 1
                found += hit
                if not hit:
                    missed.append((target["mention"], text))
        seconds = time.perf_counter() - started
        print(
            f"{path.name}: {found} of {named} named targets found ({found / named:.3f}); "
            f"pronoun targets {pronouns_found} of {pronouns}; "
            f"described ones (the senator) {described_found} of {described}; "
            f"{mentions / len(records):.2f} mentions per sentence; "
            f"{len(records) / seconds:.0f} sentences/s"
        )
        random.Random(0).shuffle(missed)
        for mention, text in missed[: args.missed]:
            print(f"  missed {mention!r}: {text[:160]}")


if __name__ == "__main__":
    main()
