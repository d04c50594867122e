"""The synthetic sentences the zero-shot default's head is fitted on, and the shipped head."""

from collections import Counter

import numpy as np

from annotator.models import Pair
from annotator.models import synthetic_frames as frames
from annotator.models.embedding import EmbeddingModel
from annotator.models.synthetic import (
    HEAD_PATH,
    POLARITIES,
    digest,
    generate,
    head_features,
    head_logits,
    load_head,
)


def test_the_shipped_head_was_fitted_from_the_frames_and_settings_of_this_code():
    # after changing the frames or the settings: python -m annotator.models.synthetic
    head = load_head(HEAD_PATH)
    assert str(head["digest"]) == digest()
    assert head["coef"].shape[0] == len(POLARITIES) == head["intercept"].shape[0]


def test_each_example_marks_an_actor_of_the_frames_with_its_polarity():
    examples = generate(300, seed=3)
    assert generate(300, seed=3) == examples  # the same seed, the same sentences
    assert {polarity for _, polarity in examples} == set(POLARITIES)
    for pair, _ in examples:
        name = pair.sentence[pair.start : pair.end]
        assert name in frames.ACTORS or name[0].lower() + name[1:] in frames.ACTORS
        assert "{" not in pair.sentence and "  " not in pair.sentence
    # two frames joined make sentences with actors of different stance
    by_sentence = Counter(pair.sentence for pair, _ in examples)
    mixed = {
        sentence
        for sentence in by_sentence
        if len({p for pair, p in examples if pair.sentence == sentence}) > 1
    }
    assert len(mixed) > 30


def test_the_head_tells_roles_apart_on_sentences_it_was_not_fitted_on():
    encoder = EmbeddingModel()
    unseen = generate(150, seed=11)
    features = head_features(encoder, [pair for pair, _ in unseen])
    predicted = head_logits(load_head(HEAD_PATH), features).argmax(axis=1)
    gold = np.array([POLARITIES.index(polarity) for _, polarity in unseen])
    assert (predicted == gold).mean() > 0.8


def test_the_head_is_read_with_the_packaged_encoder_only(tmp_path):
    assert EmbeddingModel().synthetic_head is not None
    assert EmbeddingModel(str(tmp_path)).synthetic_head is None


def test_where_the_parse_names_the_role_the_rule_decides():
    sentence = "Foreign Minister Dmytro Kuleba ridiculed the lonely bromance of Putin and Kim."
    start = sentence.index("Dmytro Kuleba")
    pair = Pair(sentence, start, start + len("Dmytro Kuleba"))
    from annotator.schemes import get_scheme

    [prediction] = EmbeddingModel().predict([pair], get_scheme("stance"))
    assert prediction.label != "against"
