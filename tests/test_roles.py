"""The actor's role in its sentence (`models.roles`), and the seed article's pre-labels that
took the sentence's tone instead of the stance toward the actor: the direction each one must
take, not a score."""

import pytest

from annotator.models import Pair, load_model
from annotator.models.roles import (
    CRITIC,
    CRITICISED,
    DISPARAGED,
    PRAISED,
    VICTIM,
    has_cue,
    mention_roles,
    verb_forms,
)
from annotator.schemes import get_scheme

STANCE = get_scheme("stance")


def pair(sentence: str, mention: str, occurrence: int = 0) -> Pair:
    start = -1
    for _ in range(occurrence + 1):
        start = sentence.index(mention, start + 1)
    return Pair(sentence, start, start + len(mention), mention)


def roles(sentence: str, mention: str) -> frozenset[str]:
    [found] = mention_roles([pair(sentence, mention)])
    return found


def test_verbs_are_matched_in_their_written_forms():
    assert verb_forms("occupy") == {"occupy", "occupies", "occupied", "occupying"}
    assert {"slammed", "slamming"} <= verb_forms("slam")
    assert {"criticized", "criticizes"} <= verb_forms("criticize")
    assert has_cue("Troops shelled the town.") and not has_cue("Merkel met Macron on Monday.")


@pytest.mark.parametrize(
    "sentence, mention, role",
    [
        ("Russia invaded Ukraine in 2022.", "Ukraine", VICTIM),
        ("Russia's war in Ukraine goes on.", "Ukraine", VICTIM),
        ("The Ukraine war goes on.", "Ukraine", VICTIM),
        ("Missiles hit during the attacks on Ukrainian cities.", "Ukrainian", VICTIM),
        ("Moscow needs allies to carry out its offensive in Ukraine.", "Ukraine", VICTIM),
        ("Kuleba ridiculed the bromance between Putin and Kim.", "Kuleba", CRITIC),
        ("The court, which issued a warrant against Putin, met.", "court", CRITIC),
        ("The court issued a warrant against Putin.", "Putin", CRITICISED),
        ("Democrats accused Trump of lying.", "Trump", CRITICISED),
        ("Putin was welcomed in Pyongyang.", "Putin", PRAISED),
        (
            "The trip follows a visit by North Korean dictator Kim Jong-un.",
            "Kim Jong-un",
            DISPARAGED,
        ),
        ("After his sham election in March, that changed.", "his", DISPARAGED),
    ],
)
def test_the_parse_says_whom_the_evaluation_is_about(sentence, mention, role):
    assert role in roles(sentence, mention)


def test_an_actor_beside_the_evaluation_has_no_role():
    assert roles("Russia invaded Ukraine in 2022.", "Russia") == frozenset()
    assert roles("Merkel met Macron in Paris.", "Merkel") == frozenset()  # no cue: not parsed


# The seed article's sentences where the offline default took the sentence's tone for the
# stance toward an actor, and the label a careful reader gave.
SEED = "seeds/putin-visits-north-korea-and-vietnam.txt"
WAR = (
    "These are unusual images: During the pandemic and in the first year of the Ukraine war, "
    "the Russian ruler had hardly left his country."
)
WARRANT = (
    "It is not a member of the International Criminal Court (ICC), which issued an arrest "
    "warrant against Putin on suspicion of war crimes in Ukraine."
)
RIDICULE = (
    "Ukrainian Foreign Minister Dmytro Kuleba ridiculed the “lonely bromance” between Putin "
    "and Kim Jong-un."
)
SHAM = (
    "After his sham election in March, that changed: In May, Putin was received by Russia’s "
    "important trading partner China."
)
DICTATOR = (
    "It is Putin’s first official visit to North Korea in 24 years, and follows a trip by North "
    "Korean dictator Kim Jong-un to Russia in September."
)
OFFENSIVE = (
    "NATO chief Jens Stoltenberg said Putin’s visits showed how “dependent” Moscow was on "
    "authoritarian leaders to carry out its offensive in Ukraine."
)


@pytest.mark.parametrize(
    "sentence, mention, occurrence, expected",
    [
        (WAR, "Ukraine", 0, "not against"),  # the country attacked
        (OFFENSIVE, "Ukraine", 0, "not against"),
        (WARRANT, "Ukraine", 0, "not against"),  # where the crimes happened
        (WARRANT, "International Criminal Court", 0, "not against"),  # it issues the warrant
        (WARRANT, "Putin", 0, "against"),  # the one it is issued against
        (RIDICULE, "Dmytro Kuleba", 0, "not against"),  # the one ridiculing
        (RIDICULE, "Putin", 0, "against"),
        (SHAM, "his", 0, "against"),  # Putin's sham election
        (DICTATOR, "Kim Jong-un", 0, "against"),
    ],
)
def test_the_seed_articles_actors_get_the_stance_toward_them(
    sentence, mention, occurrence, expected
):
    [prediction] = load_model("embedding").predict([pair(sentence, mention, occurrence)], STANCE)
    if expected == "not against":
        assert prediction.label != "against", prediction
    else:
        assert prediction.label == expected, prediction


def test_the_seed_sentences_are_the_articles_own(pytestconfig):
    text = " ".join((pytestconfig.rootpath / SEED).read_text(encoding="utf-8").split())
    for sentence in (WARRANT, RIDICULE, DICTATOR, OFFENSIVE):
        assert sentence in text
