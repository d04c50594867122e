"""The entity recogniser restricted to actor kinds against spaCy's full one."""

import pytest
import spacy

from annotator.text.recogniser import restrict_recogniser
from annotator.text.sentences import ACTOR_KINDS, SPACY_MODEL, load_pipeline, paragraphs

from .conftest import SEED


def actor_spans(nlp, texts):
    return {
        (n, ent.start_char, ent.end_char, ent.label_)
        for n, doc in enumerate(nlp.pipe(texts))
        for ent in doc.ents
        if ent.label_ in ACTOR_KINDS
    }


def test_restricted_recogniser_finds_the_full_ones_actors_on_the_seed():
    texts = paragraphs(SEED.read_text(encoding="utf-8"))
    full = actor_spans(spacy.load(SPACY_MODEL, exclude=["tagger", "lemmatizer", "parser"]), texts)
    restricted = actor_spans(load_pipeline(), texts)
    assert len(full) > 100
    assert len(full & restricted) >= 0.97 * len(full)
    assert len(full & restricted) >= 0.95 * len(restricted)


def test_restricted_recogniser_predicts_only_the_kept_kinds():
    nlp = load_pipeline()
    assert set(nlp.get_pipe("ner").labels) == ACTOR_KINDS
    doc = nlp("On Monday, 3 percent of Germans paid $5 to see Angela Merkel in Berlin.")
    assert {ent.label_ for ent in doc.ents} <= ACTOR_KINDS
    assert "Angela Merkel" in [ent.text for ent in doc.ents]


def test_unknown_label_is_refused():
    nlp = spacy.load(SPACY_MODEL, exclude=["tagger", "lemmatizer", "parser"])
    with pytest.raises(ValueError, match="no label ALIENS"):
        restrict_recogniser(nlp, ["PERSON", "ALIENS"])
