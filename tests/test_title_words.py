"""Which nationality words only qualify a person's title, read without a parse."""

import pytest

from annotator.text.sentences import load_pipeline
from annotator.text.titles import is_title_modifier


def norp_entities(text):
    return [ent for ent in load_pipeline()(text).ents if ent.label_ == "NORP"]


@pytest.mark.parametrize(
    "text",
    [
        "Russian President Vladimir Putin arrived on Wednesday.",
        "He met North Korean leader Kim Jong-un in Pyongyang.",
        "Republican presidential nominee Donald Trump spoke.",
        "Swedish climate activist Greta Thunberg spoke at the summit.",
        "Democratic front-runner Hillary Clinton won the primary.",
        "The Russian ruler arrived in Pyongyang on Wednesday.",
        "Kim welcomed the Russian leader with a parade.",
        "A North Korean diplomat said the talks went well.",
    ],
)
def test_nationality_before_a_title_and_a_person_qualifies_the_person(text):
    [ent] = norp_entities(text)[:1]
    assert is_title_modifier(ent)


@pytest.mark.parametrize(
    "text",
    [
        "Republicans who picked Cruz were angry.",
        "Russians hate Vladimir Putin, the poll says.",
        "The German newspaper said Angela Merkel would stay.",
        "Many Russian voters still support Vladimir Putin.",
        "No Democrat like Kathryn Allen has won here.",
        "Russian forces attacked the city overnight.",
        "Russian officials denied the report.",
        "The Russian economy shrank last year.",
    ],
)
def test_nationality_that_names_a_group_is_kept(text):
    entities = norp_entities(text)
    assert entities and not any(is_title_modifier(ent) for ent in entities)


def test_a_nationality_the_recogniser_calls_a_place_qualifies_the_title_too():
    from annotator.text.sentences import analyse_documents

    text = "Ukrainian Foreign Minister Dmytro Kuleba ridiculed the visit."
    [document] = list(analyse_documents([text], processes=1))
    assert [m.text for s in document for m in s.mentions] == ["Dmytro Kuleba"]
    text = "Forces shelled Ukraine overnight, and Iran denied it."
    [document] = list(analyse_documents([text], processes=1))
    assert {m.text for s in document for m in s.mentions} >= {"Ukraine", "Iran"}


@pytest.mark.parametrize(
    "text,kept",
    [
        ("Secretary of State Rex Tillerson met Sergei Lavrov.", []),
        ("Secretary of Homeland Security Kirstjen Nielsen spoke.", []),
        ("The Secretary of State said the talks were useful.", []),
        ("The leader of Hamas met officials of Google.", ["Hamas", "Google"]),
        ("The State Department said Google was fined.", ["The State Department", "Google"]),
    ],
)
def test_a_department_in_an_office_s_title_is_no_actor(text, kept):
    """ "Secretary of State X" describes X; a department named on its own, or an organisation
    after a lower-case office, is an actor."""
    from annotator.text.sentences import analyse_documents

    [document] = list(analyse_documents([text], processes=1))
    assert [m.text for s in document for m in s.mentions if m.kind == "ORG"] == kept
