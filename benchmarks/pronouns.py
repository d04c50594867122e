"""Pronoun mentions against NewsMTSC's own coreference links.

NewsMTSC's annotators linked pronouns inside a sentence to the target they refer to
(`further_mentions`: "Hillary Clinton blamed … for her election defeat"). Each sentence is
imported on its own (so only the rule's same-sentence half is exercised), and every pronoun
the import made a mention of is checked where the benchmark links it to a target the sentence
names: right when the actor it was given has a mention on one of those names. Also prints
how many of the linked pronouns became mentions at all.

    python benchmarks/pronouns.py [--data PATH ...]
    python benchmarks/pronouns.py --sample 40 --seed 11   # to check by hand, one per line
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

from annotator.text.pronouns import is_pronoun
from annotator.text.sentences import analyse_corpus

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "newsmtsc"


def links(record: dict) -> dict[tuple[int, int], list[tuple[int, int]]]:
    """Each linked pronoun's span → the spans where the sentence names the target it refers
    to. A target named only by pronouns in the sentence cannot tell right from wrong here."""
    linked = {}
    for target in record["targets"]:
        mentions = [target, *target.get("further_mentions", [])]
        named = [(m["from"], m["to"]) for m in mentions if not is_pronoun(m["mention"])]
        for m in mentions:
            if is_pronoun(m["mention"]) and named:
                linked[(m["from"], m["to"])] = named
    return linked


def print_sample(path: Path, size: int, seed: int) -> None:
    """`size` pronoun mentions of `path`'s sentences, the pronoun in [[ ]], its actor first."""
    texts = [json.loads(line)["sentence_normalized"] for line in path.open(encoding="utf-8")]
    found = [
        (s.text, m)
        for sentences in analyse_corpus(texts)
        for s in sentences
        for m in s.mentions
        if is_pronoun(m.text)
    ]
    random.Random(seed).shuffle(found)
    for n, (text, m) in enumerate(found[:size], 1):
        print(f"{n}. {m.actor} <- {text[: m.start]}[[{text[m.start : m.end]}]]{text[m.end :]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data", type=Path, nargs="+", default=[DATA / "train.jsonl", DATA / "devtest_mt.jsonl"]
    )
    parser.add_argument("--sample", type=int, default=0, help="print this many, drawn at random")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    if args.sample:
        print_sample(args.data[0], args.sample, args.seed)
        return
    for path in args.data:
        records = [json.loads(line) for line in path.open(encoding="utf-8")]
        texts = [r["sentence_normalized"] for r in records]
        made = checked = right = linked_total = linked_found = 0
        for record, sentences in zip(records, analyse_corpus(texts)):
            linked = links(record)
            linked_total += len(linked)
            text = record["sentence_normalized"]
            mentions = [(s.text, m) for s in sentences for m in s.mentions if s.text in text]
            for sentence, mention in mentions:
                if not is_pronoun(mention.text):
                    continue
                made += 1
                offset = text.index(sentence)
                span = (mention.start + offset, mention.end + offset)
                if span not in linked:
                    continue
                checked += 1
                linked_found += 1
                others = [
                    (m.start + offset, m.end + offset)
                    for _, m in mentions
                    if m.actor == mention.actor and not is_pronoun(m.text)
                ]
                if any(s < e2 and s2 < e for s, e in linked[span] for s2, e2 in others):
                    right += 1
        print(
            f"{path.name}: {made} pronoun mentions made; {checked} of them linked by the "
            f"benchmark, {right} to the right actor (precision {right / max(checked, 1):.3f}); "
            f"{linked_found} of the {linked_total} linked pronouns found "
            f"({linked_found / max(linked_total, 1):.2f})"
        )


if __name__ == "__main__":
    main()
