"""`annotator train` → `predict --model trained:NAME` → `evaluate`, on a few labels."""

import json

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.fine_tuning import default_epochs
from annotator.models import Pair, load_model
from annotator.models.registry import models_dir_beside, parse_spec
from annotator.schemes import get_scheme
from annotator.training import Example, train_model

from .conftest import write

SENTENCES = [
    ("Critics condemned {} for the scandal.", "against"),
    ("Fans cheered {} after the win.", "favor"),
    ("{} spoke to reporters on Monday.", "neutral"),
]
NAMES = ["Smith", "Jones", "Brown", "Green", "White", "Black"]


def gold_lines():
    for i, name in enumerate(NAMES):
        for template, label in SENTENCES:
            text = template.format(name)
            start = text.index(name)
            yield {
                "id": f"{name}-{label}-{i}",
                "text": text,
                "targets": [{"start": start, "end": start + len(name), "label": label}],
            }


@pytest.fixture
def gold(tmp_path):
    return write(tmp_path / "gold.jsonl", "\n".join(json.dumps(x) for x in gold_lines()))


def run(*args):
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result


def test_train_predict_evaluate_end_to_end(tmp_path, gold):
    db = str(tmp_path / "team.db")
    assert run("init", "--db", db).exit_code == 0
    result = run("train", "--db", db, "--name", "tiny", str(gold))
    assert result.exit_code == 0, result.output
    assert "trained:tiny (linear) on 18 labels (stance)" in result.output
    folder = models_dir_beside(db) / "tiny"
    meta = json.loads((folder / "annotator.json").read_text())
    assert meta["labels"] == ["favor", "against", "neutral"] and meta["examples"] == 18
    assert (folder / "linear.npz").exists()

    assert run("import", "--db", db, str(gold)).exit_code == 0
    result = run("predict", "--db", db, "--model", "trained:tiny")
    assert result.exit_code == 0 and "pre-labelled 18 mentions with trained:tiny" in result.output
    # A model is never scored on what it learned from: not on the file, not in the project.
    result = run("evaluate", "--db", db, "--model", "trained:tiny", "--json", str(gold))
    assert result.exit_code == 1
    assert "no gold labels the model was not trained on (18 left out)" in result.output
    [row] = json.loads(run("models", "--db", db, "--json").output)
    assert (row["spec"], row["method"], row["labels"]) == ("trained:tiny", "linear", 18)
    assert (row["heldout_macro_f1"], row["heldout_n"], row["excluded"]) == (None, 0, 18)


def test_models_names_a_model_trained_for_another_scheme_beside_the_project(tmp_path, gold):
    stance, feelings = str(tmp_path / "team.db"), str(tmp_path / "feelings.db")
    assert run("init", "--db", stance).exit_code == 0
    assert run("init", "--db", feelings, "--scheme", "sentiment").exit_code == 0
    assert run("train", "--db", stance, "--name", "tiny", str(gold)).exit_code == 0
    assert models_dir_beside(stance) == models_dir_beside(feelings)
    listing = run("models", "--db", feelings).output
    assert "no model has pre-labelled this project yet" in listing
    assert "another label scheme (not usable here): trained:tiny (stance)" in listing
    assert "another label scheme" not in run("models", "--db", stance).output
    assert json.loads(run("models", "--db", feelings, "--json").output) == []


def test_train_reads_a_gold_file_in_the_projects_scheme(tmp_path, monkeypatch):
    db = str(tmp_path / "feelings.db")
    assert run("init", "--db", db, "--scheme", "sentiment").exit_code == 0
    sentiment = {"favor": "positive", "against": "negative", "neutral": "neutral"}
    lines = [
        {**line, "targets": [{**t, "label": sentiment[t["label"]]} for t in line["targets"]]}
        for line in gold_lines()
    ]
    export = write(tmp_path / "export.jsonl", "\n".join(json.dumps(x) for x in lines))
    seen = {}

    def fake_train(examples, scheme, folder, method, epochs, seed=0, on_progress=None):
        seen.update(scheme=scheme.name, labels={e.label for e in examples})
        return {"method": method, "examples": len(examples), "scheme": scheme.name, "seconds": 0}

    monkeypatch.setattr("annotator.training.train_model", fake_train)
    result = run("train", "--db", db, "--name", "feelings", str(export))
    assert result.exit_code == 0, result.output
    assert "trained:feelings (linear) on 18 labels (sentiment)" in result.output
    assert seen == {"scheme": "sentiment", "labels": {"positive", "negative", "neutral"}}


def test_cross_encoder_method(tmp_path, gold):
    db = str(tmp_path / "team.db")
    run("init", "--db", db)
    result = run(
        "train", "--db", db, "--name", "ce", "--method", "cross-encoder", "--epochs", "1", str(gold)
    )
    assert result.exit_code == 0, result.output
    assert "trained:ce (cross-encoder) on 18 labels" in result.output
    model = load_model("trained:ce", models_dir_beside(db))
    assert model.meta["head"] == "mention-pool"
    sentence = "Fans cheered Smith and booed Jones."
    smith, jones = model.predict(
        [Pair(sentence, 13, 18), Pair(sentence, 29, 34)], get_scheme("stance")
    )
    assert smith.label in {"favor", "against", "neutral"}
    assert smith.scores != jones.scores  # the head reads which actor is marked


def test_a_cross_encoder_continues_from_another_on_new_gold_and_a_rehearsal_sample(tmp_path):
    from annotator.fine_tuning import REHEARSAL, example_key, rehearsal
    from annotator.models.trained import trained_on

    scheme = get_scheme("stance")
    examples = []
    for line in gold_lines():
        target = line["targets"][0]
        pair = Pair(line["text"], target["start"], target["end"])
        examples.append(Example(pair, target["label"]))
    first, later = examples[:15], examples[15:]  # 3 new examples after 15
    parent = train_model(first, scheme, tmp_path / "first", "cross-encoder", epochs=1)
    seen = []
    child = train_model(
        examples,
        scheme,
        tmp_path / "second",
        "cross-encoder",
        on_progress=seen.append,
        continue_from=tmp_path / "first",
    )
    assert child["continued_from"] == "first" and child["full_examples"] == 15
    assert child["trained_examples"] == len(later) * (1 + REHEARSAL)
    assert child["examples"] == len(examples)
    assert sum(seen) == child["trained_examples"] * 2 + len(examples)  # and the companion
    assert child["learning_rate"] < parent["learning_rate"]
    assert trained_on(tmp_path / "second") == {example_key(e) for e in examples}
    sample = rehearsal(examples, trained_on(tmp_path / "first"), seed=1)
    assert set(later) <= set(sample) and len(sample) == len(later) * (1 + REHEARSAL)
    model = load_model("trained:second", tmp_path)
    assert len(model.predict([e.pair for e in later], scheme)) == len(later)


def test_cross_encoders_trained_before_the_mention_head_still_predict(tmp_path):
    """A folder from the first recipe: transformers' sequence classifier, no `head` in its
    metadata."""
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    from annotator.models.embedding import packaged_model_path

    folder = tmp_path / "models" / "old"
    base = packaged_model_path()
    AutoModelForSequenceClassification.from_pretrained(base, num_labels=3).save_pretrained(folder)
    AutoTokenizer.from_pretrained(base).save_pretrained(folder)
    meta = {"method": "cross-encoder", "labels": ["favor", "against", "neutral"], "trained": "1"}
    (folder / "annotator.json").write_text(json.dumps(meta))
    model = load_model("trained:old", tmp_path / "models")
    predictions = model.predict([Pair("Fans cheered Smith.", 13, 18)] * 3, get_scheme("stance"))
    assert len(predictions) == 3 and len({p.label for p in predictions}) == 1


def test_train_from_annotations_uses_the_database_labels(tmp_path, gold):
    db = str(tmp_path / "team.db")
    run("init", "--db", db)
    run("import", "--db", db, str(gold), "--annotator", "ana")
    result = run(
        "train", "--db", db, "--from-annotations", "--name", "mine", "--epochs", "1", "--limit", "9"
    )
    assert result.exit_code == 0, result.output
    assert "on 9 labels" in result.output


def test_train_needs_exactly_one_source(tmp_path, gold):
    db = str(tmp_path / "team.db")
    run("init", "--db", db)
    assert run("train", "--db", db).exit_code == 2
    assert run("train", "--db", db, "--from-annotations", str(gold)).exit_code == 2
    result = run("train", "--db", db, "--from-annotations")
    assert result.exit_code == 1 and "no gold labels" in result.output
    assert run("train", "--db", db, "--name", "../x", str(gold)).exit_code == 2


def test_trained_model_refuses_another_label_set(tmp_path):
    folder = tmp_path / "models" / "m"
    examples = [
        Example(Pair(t.format("Smith"), t.index("{}"), t.index("{}") + 5), label)
        for t, label in SENTENCES
    ]
    train_model(examples, get_scheme("stance"), folder)
    model = load_model("trained:m", tmp_path / "models")
    assert model.predict([examples[0].pair], get_scheme("stance"))[0].label == "against"
    with pytest.raises(ValueError, match="predicts favor, against, neutral"):
        model.predict([examples[0].pair], get_scheme("sentiment"))


def test_unknown_trained_model_and_bad_names(tmp_path):
    with pytest.raises(ValueError, match="no trained model 'nope'"):
        load_model("trained:nope", tmp_path)
    with pytest.raises(ValueError, match="bad trained model name"):
        parse_spec("trained:../../etc")


def test_small_label_sets_get_more_epochs():
    assert default_epochs(100) == 8 and default_epochs(300) == 8
    assert default_epochs(1000) == 6 and default_epochs(3000) == 2
    assert default_epochs(8000) == 2 and default_epochs(10_001) == 1


def test_linear_model_with_two_of_three_labels_never_predicts_the_missing_one(tmp_path):
    examples = [
        Example(Pair(t.format(name), t.index("{}"), t.index("{}") + len(name)), label)
        for name in NAMES
        for t, label in SENTENCES[:2]
    ]
    train_model(examples, get_scheme("stance"), tmp_path / "two")
    model = load_model("trained:two", tmp_path)
    predictions = model.predict([e.pair for e in examples], get_scheme("stance"))
    assert {p.label for p in predictions} <= {"against", "favor"}
    assert all(p.scores["neutral"] < 1e-6 for p in predictions)


def test_auto_method_switches_to_fine_tuning_for_large_sets():
    from annotator.training import choose_method

    assert choose_method("auto", 300) == "linear"
    assert choose_method("auto", 5000) == "cross-encoder"
    assert choose_method("cross-encoder", 10) == "cross-encoder"
    with pytest.raises(ValueError, match="unknown training method"):
        choose_method("svm", 10)


def test_linear_features_carry_the_zero_shot_scores_and_old_models_keep_theirs():
    import numpy as np

    from annotator.models.features import pair_features

    encoder = load_model("embedding")
    pairs = [Pair(t.format("Smith"), t.index("{}"), t.index("{}") + 5) for t, _ in SENTENCES]
    f1, f2 = (pair_features(encoder, pairs, version=v) for v in ("f1", "f2"))
    f3 = pair_features(encoder, pairs)
    width, hidden = f1.shape[1], encoder.encoder[1].config.hidden_size
    assert f2.shape == (len(pairs), width + 3)
    assert f3.shape == (len(pairs), width + 3 + 3 * hidden)  # mention and sides, third layer
    assert np.allclose(f2[:, :width], f1) and np.allclose(f3[:, : width + 3], f2)
    # the zero-shot scores before the roles (`EmbeddingModel.probabilities`): what the
    # features of models trained before the roles were computed from
    sentiment = get_scheme("sentiment")
    expected = encoder.probabilities(pairs, sentiment, encoder.sentence_states(pairs))
    assert sentiment.label_names == ["positive", "negative", "neutral"]
    assert np.allclose(np.exp(f2[:, -3:]), expected, atol=1e-5)
    assert not np.allclose(f3[:, width + 3 :], f1[:, : 3 * hidden])  # not the last layer again
    with pytest.raises(ValueError, match="unknown feature version"):
        pair_features(encoder, pairs, version="f9")


def test_the_labels_of_a_sentence_whose_actors_differ_are_read_again():
    from annotator.fine_tuning import CONTRAST_REPEATS, in_contrast, with_contrasts_repeated

    sentence = "Putin attacked Zelensky."
    putin, zelensky = Pair(sentence, 0, 5, "Putin"), Pair(sentence, 15, 23, "Zelensky")
    merkel = Pair("Merkel spoke.", 0, 6, "Merkel")
    examples = [
        Example(putin, "negative"),
        Example(zelensky, "neutral"),
        Example(merkel, "neutral"),
    ]
    assert in_contrast(examples) == [True, True, False]
    assert in_contrast([examples[0], Example(zelensky, "negative")]) == [False, False]
    repeated = with_contrasts_repeated(examples)
    assert repeated[:3] == examples
    assert [repeated.count(e) for e in examples] == [CONTRAST_REPEATS, CONTRAST_REPEATS, 1]
