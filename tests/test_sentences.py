"""Sentence splitting and actor detection on the seed article."""

import subprocess
import sys
import time

from annotator.text.sentences import analyse_documents, paragraphs

from .conftest import SEED


def seed_sentences():
    [sentences] = analyse_documents([SEED.read_text(encoding="utf-8")])
    return sentences


def test_seed_article_splits_into_its_sentences():
    sentences = seed_sentences()
    assert len(sentences) == 48
    assert sentences[0].text.startswith("Children with balloons")


def test_mention_offsets_point_at_the_mention():
    checked = 0
    for sentence in seed_sentences():
        for mention in sentence.mentions:
            assert sentence.text[mention.start : mention.end] == mention.text
            checked += 1
    assert checked > 100


def test_putin_and_kim_are_one_actor_each():
    actors = {}
    for sentence in seed_sentences():
        for mention in sentence.mentions:
            actors.setdefault(mention.actor, set()).add(mention.text)
    assert {"Vladimir Putin", "Putin"} <= actors["Vladimir Putin"]
    assert {"Kim Jong-un", "Kim"} <= actors["Kim Jong-un"]
    assert "Putin" not in actors and "Kim" not in actors
    assert 20 <= len(actors) <= 40


def test_title_nationality_is_not_a_separate_mention():
    first = seed_sentences()[0]
    assert "Russian" not in [m.text for m in first.mentions]
    assert "Vladimir Putin" in [m.text for m in first.mentions]


def test_possessive_is_trimmed_from_the_span():
    first = seed_sentences()[0]
    assert "North Korea" in [m.text for m in first.mentions]


def test_paragraphs_fold_hard_wrapped_lines():
    assert paragraphs("One line\nwrapped.\n\n\nNext  para.") == ["One line wrapped.", "Next para."]


def test_opening_quote_starts_the_sentence_it_opens():
    [sentences] = analyse_documents(
        ['Putin spoke first. “We will win,” he said. "Never," Kim said.']
    )
    assert [s.text for s in sentences] == [
        "Putin spoke first.",
        "“We will win,” he said.",
        '"Never," Kim said.',
    ]


def test_a_paragraph_too_long_for_one_piece_keeps_its_sentences(monkeypatch):
    from annotator.text import sentences

    one_paragraph = " ".join(paragraphs(SEED.read_text(encoding="utf-8")))
    [whole] = analyse_documents([one_paragraph])
    monkeypatch.setattr(sentences, "LONGEST_PIECE", 400)  # each cut falls between sentences
    cut = sentences.pieces(sentences.load_pipeline(), one_paragraph)
    assert len(cut) > 10 and all(len(piece) <= 400 for piece in cut)
    [in_pieces] = analyse_documents([one_paragraph])
    assert [s.text for s in in_pieces] == [s.text for s in whole]


def test_worker_processes_give_the_same_analysis(monkeypatch):
    from annotator.text import sentences as module

    texts = [f"Edition {n}.\n\n{SEED.read_text(encoding='utf-8')}" for n in range(3)]
    alone = list(analyse_documents(texts, processes=1))
    monkeypatch.setattr(module, "PARALLEL_MIN_CHARACTERS", 0)
    monkeypatch.setattr(module, "CHUNK_CHARACTERS", 1)  # one document per chunk
    shared = list(analyse_documents(texts, processes=2))
    assert shared == alone
    assert len(alone) == 3 and len(alone[0]) == 49


WORKER_SCRIPT = """
import sys
from annotator.text import sentences
sentences.PARALLEL_MIN_CHARACTERS = 0
sentences.CHUNK_CHARACTERS = 1
text = open(sys.argv[1], encoding="utf-8").read()
if __name__ == "__main__":
    for _ in sentences.analyse_documents([text] * 400, processes=2):
        print("analysed", flush=True)
"""


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            return "\\tZ" not in next(line for line in status if line.startswith("State:"))
    except FileNotFoundError:
        return False


def test_worker_processes_end_with_a_killed_parent(tmp_path):
    script = tmp_path / "analyse.py"
    script.write_text(WORKER_SCRIPT)
    parent = subprocess.Popen(
        [sys.executable, str(script), str(SEED)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert parent.stdout.readline().startswith("analysed")  # the workers are running
        found = subprocess.run(["pgrep", "-P", str(parent.pid)], capture_output=True, text=True)
        workers = [int(pid) for pid in found.stdout.split()]
        assert workers
    finally:
        parent.kill()
        parent.wait()
    deadline = time.monotonic() + 15
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(_alive(pid) for pid in workers)


def test_batches_are_bounded_in_pieces_and_characters():
    """The recogniser's memory grows with the characters of a batch: long pieces go in
    smaller batches, short ones in full ones, every piece once and in order."""
    from annotator.text.sentences import BATCH_CHARACTERS, BATCH_SIZE, _batches

    short = [("x" * 100, n) for n in range(600)]
    long = [("y" * 10_000, n) for n in range(50)]
    for pieces in (short, long, short[:3] + long + short[:3]):
        batches = list(_batches(iter(pieces)))
        assert [piece for batch in batches for piece in batch] == pieces
        for batch in batches:
            assert len(batch) <= BATCH_SIZE
            assert len(batch) == 1 or sum(len(p) for p, _ in batch) <= BATCH_CHARACTERS
    assert len(list(_batches(iter(short)))) == 3  # 256 + 256 + 88
