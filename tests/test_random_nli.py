"""The randomly initialised NLI models that `benchmarks/random_nli.py` builds to time the `nli:`
backend load and run through the app's own NLI path, whatever their entailment label is called
(two labels for the DeBERTa zero-shot family, three for BART's MNLI head)."""

import importlib.util
from pathlib import Path

import pytest

from annotator.models import Pair
from annotator.models.nli import NliModel
from annotator.schemes import get_scheme

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "random_nli.py"
SMALL = {
    "deberta-v3-xsmall": {"num_hidden_layers": 1, "vocab_size": 30_522},
    "bart-large-mnli": {
        "encoder_layers": 1,
        "decoder_layers": 1,
        "d_model": 64,
        "encoder_ffn_dim": 128,
        "decoder_ffn_dim": 128,
        "vocab_size": 30_522,
    },
}


def random_nli():
    spec = importlib.util.spec_from_file_location("random_nli", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("architecture", sorted(SMALL))
def test_a_random_model_of_the_architecture_predicts_through_the_nli_path(tmp_path, architecture):
    random_nli().build(tmp_path, architecture, **SMALL[architecture])
    model = NliModel(str(tmp_path))
    scheme = get_scheme("stance")
    sentence = "Putin praised Kim, and Kuleba mocked the visit."
    kuleba = sentence.index("Kuleba")
    pairs = [Pair(sentence, 0, 5, "Putin"), Pair(sentence, kuleba, kuleba + 6, "Kuleba")]
    predictions = model.predict(pairs, scheme, batch_size=4)
    assert [p.label in scheme.label_names for p in predictions] == [True, True]
    for prediction in predictions:
        assert sum(prediction.scores.values()) == pytest.approx(1.0, abs=1e-4)
    assert model.pipeline.entailment_id == model.pipeline.model.config.label2id["entailment"]


def test_every_architecture_is_one_the_transformers_config_knows():
    from transformers import AutoConfig

    for name, settings in random_nli().ARCHITECTURES.items():
        settings = dict(settings)
        config = AutoConfig.for_model(settings.pop("model_type"), **settings)
        assert config.num_hidden_layers == 12, name
