"""Descriptions ("the Russian president") become mentions of the one person they can describe."""

from annotator.text.descriptions import description_mentions


def describe(*sentences_and_people):
    sentences = [s for s, _ in sentences_and_people]
    people = [
        [(s.index(name), s.index(name) + len(name), actor) for name, actor in named]
        for s, named in sentences_and_people
    ]
    taken = [[(a, b) for a, b, _ in named] for named in people]
    found = description_mentions(sentences, people, taken)
    return [[(s[a:b], actor) for a, b, actor in f] for s, f in zip(sentences, found)]


PUTIN = ("Russian President Vladimir Putin arrived in Pyongyang.", [("Vladimir Putin", "Putin")])


def test_the_office_or_the_nationality_of_a_title_names_the_person_later():
    found = describe(
        PUTIN,
        ("Kim wished the Russian president victory.", [("Kim", "Kim")]),
        ("The Russian ruler left on Thursday.", []),
        ("The president spoke for an hour.", []),
    )
    assert found[1:] == [
        [("the Russian president", "Putin")],
        [("The Russian ruler", "Putin")],
        [("The president", "Putin")],
    ]


def test_two_people_who_fit_or_none_leave_the_description_alone():
    found = describe(
        PUTIN,
        ("Chinese President Xi Jinping called.", [("Xi Jinping", "Xi")]),
        ("The president thanked him.", []),  # two presidents
        ("The Chinese leader agreed.", []),  # only Xi is Chinese
        ("The prime minister was absent.", []),  # nobody's office
    )
    assert found[2:] == [[], [("The Chinese leader", "Xi")], []]


def test_a_title_is_the_words_that_touch_the_name():
    found = describe(
        ("Pence is Vice President Mike Pence.", [("Mike Pence", "Pence")]),
        ("The president was away.", []),  # a vice president is no president
        ("They removed Foley as mayor and place Genis in charge.", [("Genis", "Genis")]),
        ("The mayor objected.", []),  # "mayor" did not touch Genis's name
    )
    assert found[1] == [] and found[3] == []


def test_a_description_before_a_name_is_a_title_not_a_mention():
    found = describe(
        PUTIN, ("The Russian President Vladimir Putin left.", [("Vladimir Putin", "Putin")])
    )
    assert found[1] == []
