"""Sentence boundaries from punctuation, with opening quotes kept on the sentence they open.

spaCy's rule-based sentencizer starts a sentence after ".", "!" or "?", which leaves an
opening quotation mark, bracket or dash that follows the stop on the sentence before:
'… she said. “We will …' splits as '… she said. “' and 'We will …'. The dependency parser
gets these right but costs most of the pipeline's time; this component moves such a mark
to the sentence it opens.
"""

from __future__ import annotations

from spacy.language import Language

OPENING_MARKS = frozenset({"“", "‘", '"', "'", "(", "[", "«", "—", "–", "-", "--"})
COMPONENT = "opening_marks"


@Language.component(COMPONENT)
def opening_marks(doc):
    """Move a sentence start back over an opening mark stranded at the previous sentence's end."""
    for token in doc[1:]:
        if not token.is_sent_start or token.i < 2:
            continue
        mark = doc[token.i - 1]
        before = doc[token.i - 2]
        if mark.text in OPENING_MARKS and before.whitespace_ and not mark.is_sent_start:
            if mark.text in {'"', "'"} and mark.whitespace_:
                continue  # a straight quote with a space after it closes, not opens
            mark.is_sent_start = True
            token.is_sent_start = False
    return doc
