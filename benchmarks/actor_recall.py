"""How many of the people NewsMTSC's annotators labelled does the import find as mentions?

Each sentence of the file is imported on its own (as the benchmark gives them) through the
import's own analysis (`text.sentences.analyse_corpus`). A labelled target counts as found
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
from collections import Counter
from pathlib import Path

from annotator.text.pronouns import is_pronoun
from annotator.text.sentences import analyse_corpus

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "newsmtsc"
DETERMINERS = {
    "the", "a", "an", "his", "her", "their", "its", "our", "my", "this", "these", "that", "those"
}  # fmt: skip
# Pronouns that stand for people but are no personal pronoun of one person ("They", "We").
OTHER_PRONOUNS = {"it", "we", "they", "i", "you", "us", "them", "this", "these", "those"}
# A target that is a day's or a month's name is a span the benchmark misplaced.
CALENDAR = set(
    "monday tuesday wednesday thursday friday saturday sunday january february march april "
    "june july august september october november december".split()
)


def target_kind(mention: str) -> str:
    """`name` for a target written as a name: a capitalised word after any determiner ("Blame
    Theresa", "President Trump"); `pronoun` ("he", "They"), `description` ("the senator",
    "The pope", "This man") or `calendar` ("Friday") otherwise."""
    if is_pronoun(mention) or mention.lower() in OTHER_PRONOUNS:
        return "pronoun"
    if mention.lower() in CALENDAR:
        return "calendar"
    words = mention.split()
    while words and words[0].lower() in DETERMINERS:
        words = words[1:]
    return "name" if any(word[:1].isupper() for word in words) else "description"


def mention_spans(text: str, sentences) -> list[tuple[int, int]]:
    """(start, end) in `text` of the mentions of its analysed sentences, whose white space the
    import folds ("a\n b" is read as "a b"): a fold the offsets must undo."""
    folded, origin = [], []
    for at, char in enumerate(text):
        if not char.isspace():
            folded.append(char)
            origin.append(at)
        elif folded and folded[-1] != " ":
            folded.append(" ")
            origin.append(at)
    folded_text = "".join(folded)
    spans, searched = [], 0
    for sentence in sentences:
        at = folded_text.find(sentence.text, searched)
        if at < 0:
            continue
        searched = at + len(sentence.text)
        spans += [(origin[at + m.start], origin[at + m.end - 1] + 1) for m in sentence.mentions]
    return spans


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
        targets, found, missed, mentions = Counter(), Counter(), [], 0
        for record, sentences in zip(records, analyse_corpus(texts)):
            text = record["sentence_normalized"]
            spans = mention_spans(text, sentences)
            mentions += len(spans)
            for target in record["targets"]:
                kind = target_kind(target["mention"])
                hit = any(s < target["to"] and target["from"] < e for s, e in spans)
                targets[kind] += 1
                found[kind] += hit
                if kind == "name" and not hit:
                    missed.append((target["mention"], text))
        seconds = time.perf_counter() - started
        others = "; ".join(
            f"{kind} targets {found[kind]} of {targets[kind]}"
            for kind in ("pronoun", "description", "calendar")
        )
        print(
            f"{path.name}: {found['name']} of {targets['name']} named targets found "
            f"({found['name'] / targets['name']:.3f}); {others}; "
            f"{mentions / len(records):.2f} mentions per sentence; "
            f"{len(records) / seconds:.0f} sentences/s"
        )
        random.Random(0).shuffle(missed)
        for mention, text in missed[: args.missed]:
            print(f"  missed {mention!r}: {text[:160]}")


if __name__ == "__main__":
    main()
