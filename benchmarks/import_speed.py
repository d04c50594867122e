"""Import speed with sentence splitting and actor detection, end to end through `annotator import`.

Writes a JSONL file of plain documents (no sentence ids, no targets: everything is split and
searched for actors), runs `annotator init` and `annotator import` in child processes and
prints sentences per second for the whole command (Python start-up, model loading and the
worker processes included) and the peak memory of the largest process.

Documents come from NewsMTSC's sentences (default: train.jsonl beside the project in
../shared), three sentences to a paragraph and ten paragraphs to a document, or from the
seed article repeated (`--source seed`).

    python benchmarks/import_speed.py [--sentences N] [--source newsmtsc|seed]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NEWSMTSC = ROOT.parent / "shared" / "data" / "newsmtsc" / "train.jsonl"
SENTENCES_PER_PARAGRAPH = 3
PARAGRAPHS_PER_DOCUMENT = 10


def newsmtsc_documents(limit: int) -> list[str]:
    if not NEWSMTSC.exists():
        sys.exit(f"{NEWSMTSC}: no such file (use --source seed)")
    rows = (json.loads(line) for line in NEWSMTSC.open(encoding="utf-8"))
    sentences = list(dict.fromkeys(row["sentence_normalized"] for row in rows))
    paragraphs = [
        " ".join(sentences[i : i + SENTENCES_PER_PARAGRAPH])
        for i in range(0, len(sentences), SENTENCES_PER_PARAGRAPH)
    ]
    documents = [
        "\n\n".join(paragraphs[i : i + PARAGRAPHS_PER_DOCUMENT])
        for i in range(0, len(paragraphs), PARAGRAPHS_PER_DOCUMENT)
    ]
    per_document = SENTENCES_PER_PARAGRAPH * PARAGRAPHS_PER_DOCUMENT
    wanted = max(1, limit // per_document)
    # Past the data's end, documents repeat under a new first line, so they are stored again.
    return [
        f"Part {n // len(documents)}.\n\n{documents[n % len(documents)]}" for n in range(wanted)
    ]


def seed_documents(limit: int) -> list[str]:
    text = next((ROOT / "seeds").glob("*.txt")).read_text(encoding="utf-8")
    return [f"Edition {n}.\n\n{text}" for n in range(max(1, limit // 49))]


def annotator(*args: str, db: Path) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "annotator.cli", *args, "--db", str(db)]
    return subprocess.run(command, check=True, capture_output=True, text=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=30_000, help="about this many")
    parser.add_argument("--source", choices=["newsmtsc", "seed"], default="newsmtsc")
    args = parser.parse_args()
    make = newsmtsc_documents if args.source == "newsmtsc" else seed_documents
    documents = make(args.sentences)
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "documents.jsonl"
        with data.open("w", encoding="utf-8") as out:
            for n, text in enumerate(documents):
                out.write(json.dumps({"id": f"doc-{n}", "text": text}) + "\n")
        db = Path(folder) / "bench.db"
        annotator("init", db=db)
        started = time.perf_counter()
        result = annotator("import", str(data), db=db)
        wall = time.perf_counter() - started
    peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    sentences = int(re.search(r"([\d]+) sentences", result.stdout).group(1))
    print(f"source          {args.source}: {len(documents):,} documents")
    print(f"sentences       {sentences:,} ({os.cpu_count()} CPUs)")
    print(f"import          {result.stdout.strip().split(': ', 1)[1]}")
    print(f"whole command   {wall:.1f} s = {sentences / wall:,.0f} sentences/s (start-up included)")
    print(f"peak memory     {peak_mib:.0f} MiB (largest process)")


if __name__ == "__main__":
    main()
