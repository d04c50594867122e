"""Grouping entity mentions into canonical actors."""

from annotator.text.actors import group_actors, is_demonym_of, normalise_name


def test_surname_joins_the_full_name_before_it():
    result = group_actors([("Vladimir Putin", "PERSON"), ("Putin", "PERSON")])
    assert result == [("Vladimir Putin", "PERSON")] * 2


def test_full_name_after_a_surname_renames_the_actor():
    result = group_actors([("Putin", "PERSON"), ("Vladimir Putin", "PERSON")])
    assert result == [("Vladimir Putin", "PERSON")] * 2


def test_korean_family_name_comes_first():
    result = group_actors([("Kim Jong-un", "PERSON"), ("Kim", "PERSON")])
    assert [name for name, _ in result] == ["Kim Jong-un", "Kim Jong-un"]


def test_different_people_stay_apart():
    result = group_actors([("John Kirby", "PERSON"), ("Jens Stoltenberg", "PERSON")])
    assert [name for name, _ in result] == ["John Kirby", "Jens Stoltenberg"]


def test_ambiguous_surname_goes_to_the_most_recent_person():
    result = group_actors(
        [("Hillary Clinton", "PERSON"), ("Bill Clinton", "PERSON"), ("Clinton", "PERSON")]
    )
    assert result[2][0] == "Bill Clinton"


def test_nationality_joins_its_country_and_the_country_name_wins():
    result = group_actors(
        [("Russian", "NORP"), ("Russia", "GPE"), ("North Korean", "NORP"), ("North Korea", "GPE")]
    )
    assert [name for name, _ in result] == ["Russia", "Russia", "North Korea", "North Korea"]
    assert result[0][1] == "GPE"


def test_possessive_and_article_do_not_split_an_actor():
    result = group_actors(
        [("the US", "GPE"), ("US", "GPE"), ("Russia’s", "GPE"), ("Russia", "GPE")]
    )
    assert len({name for name, _ in result}) == 2


def test_demonym_rule_keeps_unrelated_places_apart():
    assert is_demonym_of("Vietnamese", "Vietnam")
    assert is_demonym_of("Ukrainian", "Ukraine")
    assert not is_demonym_of("Niger", "Nigeria")
    assert not is_demonym_of("Austrian", "Australia")


def test_normalise_name():
    assert normalise_name("the  United Nations’s") == "United Nations"


def test_built_in_aliases_join_the_common_names_of_one_actor():
    result = group_actors(
        [
            ("US", "GPE"),
            ("the United States", "GPE"),
            ("America", "GPE"),
            ("American", "NORP"),
            ("U.S.", "GPE"),
            ("The European Union", "ORG"),
            ("EU", "ORG"),
            ("Britain", "GPE"),
            ("UK", "GPE"),
            ("French", "NORP"),
            ("France", "GPE"),
            ("NATO", "ORG"),
        ]
    )
    names = [name for name, _ in result]
    assert names[:5] == ["United States"] * 5
    assert names[5:7] == ["European Union"] * 2  # named without "The"
    assert names[7:9] == ["United Kingdom"] * 2
    assert names[9:11] == ["France"] * 2 and result[9][1] == "GPE"
    assert names[11] == "NATO"


def test_aliases_leave_people_and_capitals_alone():
    result = group_actors([("Moscow", "GPE"), ("Russia", "GPE"), ("Saudi", "PERSON")])
    assert [name for name, _ in result] == ["Moscow", "Russia", "Saudi"]


def test_an_actor_is_named_without_a_capital_the_that_opens_a_sentence():
    """One name across documents whichever mention comes first; "The Hague" keeps its "The"."""
    first = group_actors([("The White House", "ORG"), ("White House", "ORG")])
    assert first == [("White House", "ORG")] * 2
    assert group_actors([("The Hague", "GPE")]) == [("The Hague", "GPE")]


def test_a_nationality_is_its_countrys_actor_where_the_document_never_names_the_country():
    """One actor across the project's documents: "Russian proposals" in one article and
    "Russia" in another are both Russia."""
    result = group_actors(
        [
            ("Russian", "NORP"),
            ("Russians", "NORP"),
            ("Nigerian", "NORP"),
            ("Americans", "NORP"),
            ("Israelis", "NORP"),
            ("Korean", "NORP"),
            ("Republican", "NORP"),
            ("Christian", "NORP"),
            ("Jordan", "PERSON"),
        ]
    )
    assert result[:5] == [
        ("Russia", "GPE"),
        ("Russia", "GPE"),
        ("Nigeria", "GPE"),  # not Niger
        ("United States", "GPE"),
        ("Israel", "GPE"),
    ]
    assert [name for name, _ in result[5:]] == ["Korean", "Republican", "Christian", "Jordan"]
