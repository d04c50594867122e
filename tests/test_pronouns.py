"""Pronouns become mentions of the one person they can refer to, and only then."""

from annotator.text.pronouns import pronoun_mentions
from annotator.text.sentences import analyse_documents


def resolve(*sentences_and_people):
    sentences = [s for s, _ in sentences_and_people]
    people = [
        [(s.index(name), s.index(name) + len(name), actor) for name, actor in named]
        for s, named in sentences_and_people
    ]
    return [
        [(s[a:b], actor) for a, b, actor in found]
        for s, found in zip(sentences, pronoun_mentions(sentences, people))
    ]


def test_a_pronoun_after_one_person_refers_to_that_person():
    assert resolve(("Putin said he saw opportunities.", [("Putin", "Vladimir Putin")])) == [
        [("he", "Vladimir Putin")]
    ]


def test_the_sentence_before_gives_the_person_and_the_chain_goes_on():
    found = resolve(
        ("Putin arrived in Hanoi.", [("Putin", "Vladimir Putin")]),
        ("He was greeted at the airport.", []),
        ("His hosts were pleased.", []),
        ("The weather was fine.", []),
        ("He left.", []),  # the chain broke: nobody was spoken of just before
    )
    assert found == [[], [("He", "Vladimir Putin")], [("His", "Vladimir Putin")], [], []]


def test_two_people_or_none_leave_the_pronoun_alone():
    found = resolve(
        ("Putin met Kim on Wednesday.", [("Putin", "Vladimir Putin"), ("Kim", "Kim Jong Un")]),
        ("He praised the talks.", []),
    )
    assert found == [[], []]
    assert resolve(("He cited a hacked email.", [])) == [[]]


def test_a_person_of_the_other_gender_is_no_candidate():
    found = resolve(
        (
            "Mrs. Clinton and Mr. Sanders were tied; she won.",
            [("Clinton", "Clinton"), ("Sanders", "Sanders")],
        )
    )
    assert found == [[("she", "Clinton")]]
    sentence = "Sir Graham Brady said the timetable would be clear once she has met the committee."
    assert resolve((sentence, [("Graham Brady", "Graham Brady")])) == [[]]


def test_an_object_pronoun_is_not_the_subject_of_its_own_clause():
    assert resolve(("Winfrey joined her for two appearances.", [("Winfrey", "Winfrey")])) == [[]]
    sentence = "Dougherty began, with Kennedy cutting him off."
    found = resolve((sentence, [("Dougherty", "Dougherty"), ("Kennedy", "Kennedy")]))
    assert found == [[("him", "Dougherty")]]


def test_an_unresolved_pronoun_blocks_the_later_ones_of_its_gender():
    sentence = "She told Pauley she was gobsmacked by her loss."
    assert resolve((sentence, [("Pauley", "Pauley")])) == [[]]


def test_quotations_keep_their_names_and_pronouns_to_themselves():
    sentence = "“Trump inherited an economy from Barack Obama,” he said."
    assert resolve((sentence, [("Barack Obama", "Barack Obama")])) == [[]]
    sentence = "Horowitz continues: “Much like with his announcement, the director erred.”"
    assert resolve((sentence, [("Horowitz", "Horowitz")])) == [[]]
    sentence = "“Sophia is getting older, so she wouldn’t hear it,” he said."
    assert resolve((sentence, [("Sophia", "Sophia")])) == [[("she", "Sophia")]]


def test_the_seed_article_gets_its_pronouns_as_mentions_of_the_right_people():
    from pathlib import Path

    text = (
        Path(__file__).resolve().parents[1] / "seeds" / "putin-visits-north-korea-and-vietnam.txt"
    ).read_text()
    [document] = list(analyse_documents([text], processes=1))
    pronouns = [
        (m.text, m.actor)
        for s in document
        for m in s.mentions
        if m.text.lower() in {"he", "his", "himself"}
    ]
    assert ("his", "Kim Jong-un") in pronouns or ("his", "Kim Jong Un") in pronouns
    assert sum(1 for _, actor in pronouns if actor == "Vladimir Putin") >= 4
    assert all(actor in {"Vladimir Putin", "Kim Jong-un", "Kim Jong Un"} for _, actor in pronouns)


def test_the_review_card_marks_a_pronoun_mention(client, db):
    sentence_id = db.execute(
        "select sentence_id from mentions where lower(text) = 'his' order by id limit 1"
    ).fetchone()[0]
    page = client.get(f"/review/{sentence_id}").get_data(as_text=True)
    assert "”, pronoun</span>" in page and "a pronoun taken to refer to" in page
    document_id = db.table("sentences").get(sentence_id)["document_id"]
    page = client.get(f"/documents/{document_id}").get_data(as_text=True)
    assert "“his”, pronoun</span>" in page  # the document page marks it as the card does


def test_a_person_the_recogniser_calls_an_organisation_still_takes_the_pronoun():
    """ "Olaf Scholz" comes out of the small recogniser as an organisation: "his" used to go
    back to the sentence before, to Macron. A common first name makes it a person's name."""
    text = (
        "Angela Merkel praised Emmanuel Macron in Berlin on Monday. "
        "Critics attacked Olaf Scholz for his weak leadership. Scholz denied it."
    )
    [document] = list(analyse_documents([text], processes=1))
    found = [[(m.text, m.actor, m.kind) for m in s.mentions] for s in document]
    assert ("his", "Olaf Scholz", "PERSON") in found[1]
    assert ("Olaf Scholz", "Olaf Scholz", "PERSON") in found[1]
    assert found[2] == [("Scholz", "Olaf Scholz", "PERSON")]


def test_only_an_organisation_that_reads_as_a_first_and_last_name_becomes_a_person():
    from annotator.text.known_people import first_named_people

    sentence = "Olaf Scholz met Victoria Station staff, Jordan Brand and Gazprom Neft."
    spans = [(0, 11, "ORG"), (16, 32, "ORG"), (40, 52, "ORG"), (57, 69, "ORG")]
    assert [kind for _, _, kind in first_named_people(sentence, spans)] == [
        "PERSON",
        "ORG",
        "ORG",
        "ORG",
    ]
