"""Both model backends behind the one interface, and spec parsing."""

import numpy as np
import pytest

from annotator.models import Pair, load_model
from annotator.models.registry import parse_spec
from annotator.schemes import get_scheme

STANCE = get_scheme("stance")
PAIRS = [
    Pair("Critics condemned Putin for the brutal war.", 18, 23, "Vladimir Putin"),
    Pair("Fans cheered and praised Merkel for her wise leadership.", 25, 31),
    Pair("Kim arrived in Moscow on Tuesday.", 0, 3, "Kim Jong-un"),
]


def check_predictions(predictions, scheme):
    assert len(predictions) == len(PAIRS)
    for p in predictions:
        assert p.label in scheme.label_names
        assert set(p.scores) == set(scheme.label_names)
        assert sum(p.scores.values()) == pytest.approx(1, abs=1e-4)
        assert p.score == max(p.scores.values()) == p.scores[p.label]


def test_embedding_backend_predicts_every_pair():
    model = load_model("embedding")
    assert model.spec == "embedding:all-MiniLM-L6-v2"
    predictions = model.predict(PAIRS, STANCE)
    check_predictions(predictions, STANCE)
    assert predictions[0].label == "against"
    assert predictions[1].label == "favor"


def test_embedding_backend_works_for_the_sentiment_scheme():
    check_predictions(
        load_model("embedding").predict(PAIRS, get_scheme("sentiment")), get_scheme("sentiment")
    )


def test_embedding_batches_give_the_same_result():
    model = load_model("embedding")
    one = model.predict(PAIRS, STANCE, batch_size=1)
    many = model.predict(PAIRS, STANCE, batch_size=64)
    assert [p.label for p in one] == [p.label for p in many]
    assert np.allclose([p.score for p in one], [p.score for p in many], atol=1e-4)


def test_nli_backend_with_a_local_model(nli_model_dir):
    model = load_model(f"nli:{nli_model_dir}")
    assert model.spec == f"nli:{nli_model_dir}"
    predictions = model.predict(PAIRS, STANCE, batch_size=4)
    check_predictions(predictions, STANCE)
    again = model.predict(PAIRS, STANCE, batch_size=64)
    assert np.allclose([p.score for p in predictions], [p.score for p in again], atol=1e-4)
    # batched by length, each pair's scores come back to it
    alone = [model.predict([pair], STANCE)[0] for pair in PAIRS]
    for batched, single in zip(predictions, alone):
        assert batched.scores == pytest.approx(single.scores, abs=1e-4)


def test_nli_scores_match_the_transformers_pipeline(nli_model_dir):
    """Our batched scoring is the pipeline's single-label zero-shot method."""
    model = load_model(f"nli:{nli_model_dir}")
    pair = PAIRS[0]
    hypotheses = [label.hypothesis.format(actor=pair.name) for label in STANCE.labels]
    reference = model.pipeline(pair.sentence, candidate_labels=hypotheses, hypothesis_template="{}")
    expected = dict(zip(reference["labels"], reference["scores"]))
    [ours] = model.predict([pair], STANCE)
    for label, hypothesis in zip(STANCE.label_names, hypotheses):
        assert ours.scores[label] == pytest.approx(expected[hypothesis], abs=1e-4)


def test_empty_input_and_bad_spans():
    assert load_model("embedding").predict([], STANCE) == []
    with pytest.raises(ValueError, match="outside the sentence"):
        Pair("Short.", 3, 30)


@pytest.mark.parametrize("spec", ["bert", "openai:gpt", ""])
def test_unknown_specs_are_refused(spec):
    with pytest.raises(ValueError, match="unknown model spec"):
        parse_spec(spec)


def test_nli_needs_a_model_name():
    with pytest.raises(ValueError, match="needs a model name"):
        load_model("nli:")


def test_two_actors_of_one_sentence_get_their_own_scores():
    sentence = "Critics condemned Putin for the brutal war, while Merkel spoke on Tuesday."
    pairs = [Pair(sentence, 18, 23), Pair(sentence, 50, 56)]
    first, second = load_model("embedding").predict(pairs, get_scheme("sentiment"))
    assert first.scores != second.scores
    assert first.scores["negative"] > second.scores["negative"]


def test_each_distinct_sentence_is_encoded_once(monkeypatch):
    model = load_model("embedding")
    seen = []
    original = model.token_states

    def spy(sentences, batch_size=16, middle_layer=None):
        seen.extend(sentences)
        return original(sentences, batch_size, middle_layer)

    monkeypatch.setattr(model, "token_states", spy)
    sentence = PAIRS[0].sentence
    model.predict([PAIRS[0], Pair(sentence, 0, 7), PAIRS[1]], STANCE)
    assert sorted(seen) == sorted({sentence, PAIRS[1].sentence})


def test_pooling_centres_on_the_mention():
    from annotator.models.embedding import pool_around

    states = np.eye(5)
    offsets = np.array([[0, 0], [0, 3], [4, 8], [9, 12], [0, 0]])
    vector = pool_around(states, offsets, 4, 8)
    assert np.argmax(vector) == 2
    assert vector[1] == pytest.approx(vector[3])
    assert np.linalg.norm(vector) == pytest.approx(1)


def test_a_model_place_is_a_model_folder_or_a_hub_name(tmp_path, nli_model_dir):
    from annotator.models.registry import check_spec

    assert check_spec(f"nli:{nli_model_dir}", tmp_path) == f"nli:{nli_model_dir}"
    assert check_spec(" nli:MoritzLaurer/DeBERTa-v3-base-mnli ", tmp_path).endswith("mnli")
    assert check_spec("embedding:all-MiniLM-L6-v2", tmp_path) == "embedding:all-MiniLM-L6-v2"
    for refused in ("nli:" + str(tmp_path), "embedding:../x/../../y", "nli:a b", "nli:~root/.ssh"):
        with pytest.raises(ValueError):
            check_spec(refused, tmp_path)
