"""People the small recogniser misses: transcript speakers and a surname opening a sentence."""

import pytest

from annotator.text.sentences import analyse_documents


def people(text):
    [document] = list(analyse_documents([text], processes=1))
    return [m.text for s in document for m in s.mentions if m.kind == "PERSON"]


@pytest.mark.parametrize(
    "text, name",
    [
        ("CORNISH: That is all we have time for today.", "CORNISH"),
        ("AMY GOODMAN: For more, we go to Beirut.", "AMY GOODMAN"),
        ("Dorsey thanked the host in a tweet on Tuesday.", "Dorsey"),
        ("Clapper addressed the collapse at the ceremony.", "Clapper"),
        ("McCourt donated more than $400,000 to the fund.", "McCourt"),
        ("Mnangagwa was dismissed and humiliated a week earlier.", "Mnangagwa"),
        ("Hekmatyar reportedly blamed the violence on the government.", "Hekmatyar"),
        ("Lauten, 41, lives on a quiet cul-de-sac in Naperville.", "Lauten"),
        ("Gradel’s announcement video was narrated by a coach.", "Gradel"),
        ("Baxter and Taylor also dealt in methamphetamine.", "Baxter"),
    ],
)
def test_a_missed_person_is_found(text, name):
    assert name in people(text)


@pytest.mark.parametrize(
    "text",
    [
        "SEE ALSO: the week in pictures.",
        "UPDATE: the vote was delayed.",
        "Police arrested two men on Friday.",
        "Officials said the talks would go on.",
        "Newly released documents show the deal.",
        "Having ditched the press, the convoy left.",
        "Journalist says the lawsuit does not scare him.",
        "Speculation has focused on a former aide.",
        "Instead, the talks moved to Geneva.",
        "Overall, the figures were weak.",
        "Current first lady Melania was not there.",
    ],
)
def test_words_that_open_news_sentences_are_no_people(text):
    assert people(text) == []


def test_reading_the_text_modules_loads_no_spacy():
    """The parent of a large import hands the work to worker processes: loading spaCy there
    too cost 6 s and 180 MiB per import (the stop-word list once imported it)."""
    import subprocess
    import sys

    code = "import sys, annotator.text.sentences; print('spacy' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr
