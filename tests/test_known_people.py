"""A person's surname found again where the recogniser missed it: in the same document, and
in later documents of a corpus that has named that person often enough."""

from annotator.ingest import import_file
from annotator.store.actors import person_names
from annotator.text.known_people import KnownPeople, names_in, repeated_in_document, surname
from annotator.text.sentences import analyse_corpus

# Missed by the recogniser on its own (its surname is also a common plural word, and the
# opening-word rule leaves plurals alone).
SESSIONS = "Sessions’ confirmation leaves his Senate seat vacant."


def people(documents, known=()):
    found = analyse_corpus(documents, known, processes=1)
    return [[m.text for s in doc for m in s.mentions if m.kind == "PERSON"] for doc in found]


def test_surname_is_the_last_word_of_a_name():
    assert surname("Brett Kavanaugh") == "Kavanaugh"
    assert surname("Jeff Sessions’") == "Sessions"
    assert surname("Beto O'Rourke") == "O'Rourke"
    assert surname("the senator") is None and surname("Friday") is None


def test_a_surname_of_the_document_is_a_mention_of_that_person():
    sentences = ["Brett Kavanaugh spoke first.", "Senators pressed Kavanaugh for hours."]
    spans = [[(0, 15, "PERSON")], []]
    assert repeated_in_document(sentences, spans)[1] == [(17, 26, "PERSON")]


def test_a_surname_the_recogniser_called_something_else_is_the_persons():
    sentences = ["Tom Price spoke.", "Price said the plan was sound."]
    spans = [[(0, 9, "PERSON")], [(0, 5, "ORG")]]
    assert repeated_in_document(sentences, spans)[1] == [(0, 5, "PERSON")]


def test_a_hyphened_pair_after_the_is_found():
    found = people(["Attorney General Jeff Sessions spoke. The Sessions-Rosenstein memo was out."])
    assert found == [["Jeff Sessions", "Sessions"]]


def test_a_word_inside_a_longer_name_or_taken_is_left_alone():
    def words(sentence, taken=()):
        return [sentence[s:e] for s, e in names_in(sentence, taken, lambda word: True)]

    assert words("White House aides met Jack White and Attorney General White.", [(22, 32)]) == [
        "White"  # the last one: an office title leads it
    ]
    assert words("MUELLER FILES SHOW FLYNN") == []  # a run of capitals
    assert words("Friends of FLYNN met.") == ["Friends", "FLYNN"]
    assert words("Inside the Pence-Schumer showdown") == ["Inside", "Pence-Schumer"]
    # followed by "of" and a common noun: a thing; by "of" and a name: still a person
    assert words("Sessions of parliament resumed. The Price of oil fell.") == []
    assert words("Warren of Massachusetts spoke.") == ["Warren", "Massachusetts"]
    only_pence = names_in("Inside the Pence-Schumer showdown", [], {"Pence"}.__contains__)
    assert only_pence == [(11, 16)]


def test_the_corpus_trusts_a_surname_found_often_and_seldom_written_in_lower_case():
    known = KnownPeople([("Jeff Sessions", 2), ("Tom Price", 3), ("Theresa May", 9)])
    assert known.trusted("Sessions") and known.trusted("Price")
    assert not known.trusted("May")  # a month's name: never a surname alone
    known.learn("The price rose, the price fell, and the price of oil rose again.", [])
    known.learn("Prices rose: the price of bread doubled.", [("Tom Price", True)])
    assert not known.trusted("Price")  # "price" is a common word of this text
    assert known.trusted("Sessions")
    assert not KnownPeople([("Jeff Sessions", 1)]).trusted("Sessions")  # found once only
    assert known.missed(SESSIONS, []) == [(0, 8)]


def test_a_later_document_s_sessions_of_parliament_is_nobody():
    named = "Attorney General Jeff Sessions testified. Sessions denied it. Sessions replied."
    found = people([named, named, "Sessions of parliament resumed on Monday."])
    assert found[2] == [] and found[1] == ["Jeff Sessions", "Sessions", "Sessions"]


def test_later_documents_find_the_people_earlier_ones_named():
    named = "Attorney General Jeff Sessions spoke on Monday."
    assert "Sessions" not in people([SESSIONS])[0]
    found = people([named, named.replace("Monday", "Tuesday"), SESSIONS])
    assert found[2] == ["Sessions"]
    assert people([SESSIONS], known=[("Jeff Sessions", 2)]) == [["Sessions"]]


def test_an_import_takes_the_projects_people_as_known(db, tmp_path):
    labels = ["positive", "negative", "neutral"]
    for day in ("Monday", "Tuesday"):
        named = tmp_path / f"{day}.txt"
        named.write_text(f"Attorney General Jeff Sessions spoke on {day}.\n", encoding="utf-8")
        import_file(db, named, "txt", labels)
    assert ("Jeff Sessions", 2) in person_names(db)
    later = tmp_path / "later.txt"
    later.write_text(SESSIONS + "\n", encoding="utf-8")
    import_file(db, later, "txt", labels)
    mentions = db.execute(
        "select m.text from mentions m join sentences s on s.id = m.sentence_id where s.text = ?",
        [SESSIONS],
    ).fetchall()
    assert ("Sessions",) in mentions
