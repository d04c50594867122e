"""The two cues the embedding backend adds to the encoder: nearby words and who speaks."""

import pytest

from annotator.models.lexicon import weighted_polarity
from annotator.models.reported_speech import is_speaker


def span(sentence, mention):
    start = sentence.index(mention)
    return sentence, start, start + len(mention)


def polarity(sentence, mention):
    return weighted_polarity(*span(sentence, mention))


def test_nearby_praise_and_criticism_have_opposite_signs():
    assert polarity("Critics praised Merkel for her brave decision.", "Merkel") > 0.3
    assert polarity("Merkel was blamed for the terrible failure.", "Merkel") < -0.3
    assert polarity("Merkel arrived in Paris on Monday.", "Merkel") == 0


def test_words_next_to_an_actor_count_more_than_words_far_away():
    sentence = "Macron met Merkel, and a long while later the crowd booed the corrupt, awful Orban."
    assert polarity(sentence, "Orban") < polarity(sentence, "Macron")


def test_negation_turns_a_word_around():
    praised = polarity("Merkel was praised.", "Merkel")
    negated = polarity("Merkel was not praised.", "Merkel")
    assert praised > 0 > negated


@pytest.mark.parametrize(
    ("sentence", "mention"),
    [
        ("Putin said the sanctions were a disgrace.", "Putin"),
        ("Trump, however, told reporters it was a hoax.", "Trump"),
        ("According to Kim, the talks failed.", "Kim"),
        ("The plan is dead, Pelosi claims.", "Pelosi"),
    ],
)
def test_speakers_are_found(sentence, mention):
    assert is_speaker(*span(sentence, mention))


@pytest.mark.parametrize(
    ("sentence", "mention"),
    [
        ("Critics said Putin was a disgrace.", "Putin"),
        ("Trump was told to leave.", "Trump"),
        ("Kim is said to be ill.", "Kim"),
    ],
)
def test_actors_spoken_about_are_not_speakers(sentence, mention):
    assert not is_speaker(*span(sentence, mention))
