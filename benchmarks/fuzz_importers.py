"""Fuzz the import readers: many random inputs, each must give records or a located error.

Runs the property tests' input strategies far longer than the test suite does and prints
how many inputs were tried and how they ended.

    python benchmarks/fuzz_importers.py [--examples 5000]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.test_properties import OBJECTS, read_or_refuse  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=5000)
    examples = parser.parse_args().examples
    outcomes: Counter = Counter()
    fuzz_settings = settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )

    @fuzz_settings
    @given(
        st.lists(OBJECTS, min_size=1, max_size=5), st.sampled_from(["jsonl", "newsmtsc", "auto"])
    )
    def json_objects(objects, fmt):
        data = "\n".join(json.dumps(o) for o in objects).encode()
        records = read_or_refuse(data, ".jsonl", fmt)
        outcomes["json: refused" if records is None else "json: read"] += 1

    @fuzz_settings
    @given(
        st.binary(max_size=2000),
        st.sampled_from(
            [(".txt", "txt"), (".jsonl", "jsonl"), (".jsonl", "newsmtsc"), (".jsonl", "auto")]
        ),
    )
    def raw_bytes(data, kind):
        records = read_or_refuse(data, *kind)
        outcomes["bytes: refused" if records is None else "bytes: read"] += 1

    started = time.perf_counter()
    json_objects()
    raw_bytes()
    seconds = time.perf_counter() - started
    total = sum(outcomes.values())
    print(f"{total} inputs tried in {seconds:.0f} s, no crash:")
    for outcome, count in sorted(outcomes.items()):
        print(f"  {outcome:<15} {count}")


if __name__ == "__main__":
    main()
