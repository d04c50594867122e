"""A cross-encoder predicts with its companion linear head, keeps the encoder's word
embeddings, and reports exactly the progress its plan announced."""

import json

import numpy as np
import pytest

from annotator.cross_validation import cross_validate
from annotator.fine_tuning import CONTRAST_REPEATS, fine_tune, fine_tune_work, spread_progress
from annotator.learning_plan import LearningPlan
from annotator.models import Pair
from annotator.models.trained import (
    CROSS_ENCODER,
    META_FILE,
    SENTENCE,
    CrossEncoderModel,
    linear_logits,
    log_softmax,
    open_trained,
)
from annotator.schemes import get_scheme
from annotator.training import Example, train_model

SCHEME = get_scheme("stance")
TEMPLATES = [
    ("Critics condemned {} for the scandal.", "against"),
    ("Fans cheered {} after the win.", "favor"),
    ("{} spoke to reporters on Monday.", "neutral"),
]


def examples(names):
    result = []
    for name in names:
        for template, label in TEMPLATES:
            text = template.format(name)
            start = text.index(name)
            result.append(Example(Pair(text, start, start + len(name)), label))
    return result


# a sentence whose actors differ in label: read CONTRAST_REPEATS times from the encoder
CONTRAST = [
    Example(Pair("Fans cheered Smith and booed Jones.", 13, 18), "favor"),
    Example(Pair("Fans cheered Smith and booed Jones.", 29, 34), "against"),
]


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    folder = tmp_path_factory.mktemp("models") / "ce"
    units = []
    gold = examples(["Smith", "Jones", "Brown", "Green"]) + CONTRAST
    meta = train_model(gold, SCHEME, folder, CROSS_ENCODER, epochs=1, on_progress=units.append)
    return folder, meta, gold, sum(units)


def test_the_prediction_is_the_mean_of_both_heads_log_probabilities(trained):
    folder, meta, _, _ = trained
    assert meta["companion"]["method"] == "linear" and (folder / "linear.npz").is_file()
    pairs = [Pair("Fans cheered Smith and booed Jones.", 13, 18), Pair("Jones spoke.", 0, 5)]
    both = open_trained("ce", folder).logits(pairs, 8)
    alone = {k: v for k, v in meta.items() if k != "companion"}
    encoder = CrossEncoderModel("ce", folder, alone).logits(pairs, 8)
    linear = linear_logits(folder, meta["companion"]["features"], pairs, 8)
    assert np.allclose(both, (log_softmax(encoder) + log_softmax(linear)) / 2, atol=1e-5)
    assert not np.allclose(both, log_softmax(encoder), atol=1e-3)  # the companion counts
    # a cross-encoder trained before companions predicts with the encoder alone
    assert not np.allclose(np.exp(encoder).sum(axis=1), 1.0)


def test_fine_tuning_leaves_the_word_embeddings_as_the_encoder_learned_them(trained):
    from safetensors.numpy import load_file

    from annotator.models.embedding import packaged_model_path

    folder, _, _, _ = trained
    key = "embeddings.word_embeddings.weight"
    before = load_file(f"{packaged_model_path()}/model.safetensors")
    after = load_file(folder / "model.safetensors")
    packaged = next(v for k, v in before.items() if k.endswith(key))
    tuned = next(v for k, v in after.items() if k.endswith(key))
    assert np.array_equal(packaged, tuned)
    moved = next(k for k in after if k.endswith("attention.self.query.weight"))
    assert not np.array_equal(before[next(k for k in before if k.endswith(moved))], after[moved])


def test_training_reports_the_work_it_announced(trained):
    _, meta, gold, reported = trained
    assert meta["contrast_repeats"] == CONTRAST_REPEATS > 1
    assert reported == fine_tune_work(len(gold), meta["epochs"])


def test_fine_tuning_reads_the_labels_of_sentences_whose_actors_differ_again(tmp_path, monkeypatch):
    from annotator.models import mention_classifier

    read, encode = [], mention_classifier.encode
    monkeypatch.setattr(
        mention_classifier, "encode", lambda t, pairs, m: read.extend(pairs) or encode(t, pairs, m)
    )
    gold = examples(["Smith"]) + CONTRAST
    units = []
    details = fine_tune(gold, SCHEME.label_names, tmp_path / "a", 1, on_progress=units.append)
    assert [read.count(e.pair) for e in gold] == [1, 1, 1] + [CONTRAST_REPEATS] * 2
    assert sum(units) == fine_tune_work(len(gold), 1, companion=False)
    assert details["contrast_repeats"] == CONTRAST_REPEATS
    (tmp_path / "a" / META_FILE).write_text(json.dumps(details), encoding="utf-8")
    # a continuation reads its new labels and their rehearsal sample once
    read.clear()
    details = fine_tune(gold, SCHEME.label_names, tmp_path / "b", 1, start=tmp_path / "a")
    assert [read.count(e.pair) for e in gold] == [1] * 5 and details["contrast_repeats"] == 1


def test_repeated_reads_spread_the_announced_progress():
    units = []
    report = spread_progress(units.append, 10, 23)
    for count in [16, 4, 3]:
        report(count)
    assert sum(units) == 10 and all(u > 0 for u in units)
    assert spread_progress(None, 10, 23) is None


def test_a_learning_run_reports_the_work_its_plan_announced(tmp_path):
    gold = examples(["Smith", "Jones", "Brown", "Green"]) + CONTRAST
    units = []
    cross_validate(gold, SCHEME, CROSS_ENCODER, on_progress=units.append)
    train_model(gold, SCHEME, tmp_path / "all", CROSS_ENCODER, on_progress=units.append)
    assert sum(units) == LearningPlan(gold, CROSS_ENCODER, frozenset()).work


def test_a_continued_learning_run_reports_the_work_its_plan_announced(trained, tmp_path):
    parent, _, learned, _ = trained
    gold = learned + examples(["White", "Black", "Adams", "Baker"])
    held_in = frozenset(range(len(learned)))
    units = []
    cross_validate(
        gold, SCHEME, CROSS_ENCODER, on_progress=units.append, held_in=held_in, continue_from=parent
    )
    train_model(
        gold,
        SCHEME,
        tmp_path / "next",
        CROSS_ENCODER,
        on_progress=units.append,
        continue_from=parent,
    )
    assert sum(units) == LearningPlan(gold, CROSS_ENCODER, held_in, parent).work


def test_sentence_input_reads_each_sentence_once_and_pools_each_mention():
    from transformers import AutoTokenizer

    from annotator.models.embedding import packaged_model_path
    from annotator.models.mention_classifier import encode

    tokenizer = AutoTokenizer.from_pretrained(packaged_model_path())
    sentence = "Fans cheered Smith and booed Jones."
    pairs = [Pair(sentence, 13, 18), Pair("Jones spoke.", 0, 5), Pair(sentence, 29, 34)]
    inputs, rows, mention = encode(tokenizer, pairs, marked=False)
    assert inputs["input_ids"].shape[0] == 2 and rows.tolist() == [0, 1, 0]
    for pair, row, tokens in zip(pairs, rows, mention):
        ids = inputs["input_ids"][row][tokens.bool()]
        assert tokenizer.decode(ids).lower() == pair.mention.lower()
    marked_inputs, marked_rows, marked_mention = encode(tokenizer, pairs, marked=True)
    assert marked_inputs["input_ids"].shape[0] == 3 and marked_rows.tolist() == [0, 1, 2]
    ids = marked_inputs["input_ids"][0][marked_mention[0].bool()]
    assert tokenizer.decode(ids).replace(" ", "") == "<<smith>>"


def test_a_sentence_input_model_scores_a_pair_the_same_alone_or_beside_others(
    tmp_path, monkeypatch
):
    import annotator.fine_tuning as fine_tuning

    monkeypatch.setattr(fine_tuning, "INPUT", SENTENCE)
    gold = examples(["Smith", "Jones", "Brown"])
    meta = train_model(gold, SCHEME, tmp_path / "s", CROSS_ENCODER, epochs=1)
    assert meta["input"] == SENTENCE
    model = open_trained("s", tmp_path / "s")
    sentence = "Fans cheered Smith and booed Jones."
    both = model.logits([Pair(sentence, 13, 18), Pair(sentence, 29, 34)], 8)
    alone = [model.logits([Pair(sentence, s, e)], 8)[0] for s, e in ((13, 18), (29, 34))]
    assert np.allclose(both, np.stack(alone), atol=1e-4)
    assert not np.allclose(both[0], both[1], atol=1e-3)  # the mention tells them apart
