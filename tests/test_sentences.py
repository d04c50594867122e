"""Sentence splitting and actor detection on the seed article."""

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
    for sentence in seed_sentences():
        for mention in sentence.mentions:
            assert sentence.text[mention.start : mention.end] == mention.text


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


def test_worker_processes_give_the_same_analysis(monkeypatch):
    from annotator.text import sentences as module

    texts = [f"Edition {n}.\n\n{SEED.read_text(encoding='utf-8')}" for n in range(3)]
    alone = list(analyse_documents(texts, processes=1))
    monkeypatch.setattr(module, "PARALLEL_MIN_CHARACTERS", 0)
    monkeypatch.setattr(module, "CHUNK_CHARACTERS", 1)  # one document per chunk
    shared = list(analyse_documents(texts, processes=2))
    assert shared == alone
    assert len(alone) == 3 and len(alone[0]) == 49
