"""Sentence boundaries from punctuation, with opening quotes kept on the sentence they open.

spaCy's rule-based sentencizer starts a sentence after ".", "!" or "?", which leaves an
opening quotation mark, bracket or dash that follows the stop on the sentence before:
'… she said. “We will …' splits as '… she said. “' and 'We will …'. The dependency parser
gets these right but costs most of the pipeline's time; this component moves such a mark
to the sentence it opens.
"""

from __future__ import annotations

import numpy
from spacy.attrs import SENT_START
from spacy.language import Language

OPENING_MARKS = frozenset({"“", "‘", '"', "'", "(", "[", "«", "—", "–", "-", "--"})
COMPONENT = "opening_marks"


@Language.component(COMPONENT)
def opening_marks(doc):
    """Move a sentence start back over an opening mark stranded at the previous sentence's end."""
    # Only the tokens at sentence starts are looked at: making a Python object of every
    # token cost a fifth of the whole analysis.
    starts = numpy.flatnonzero(doc.to_array(SENT_START).astype(numpy.int64) == 1)
    for i in starts[starts >= 2].tolist():
        mark, before = doc[i - 1], doc[i - 2]
        if mark.text not in OPENING_MARKS or not before.whitespace_ or mark.is_sent_start:
            continue
        if mark.text in {'"', "'"} and mark.whitespace_:
            continue  # a straight quote with a space after it closes, not opens
        mark.is_sent_start = True
        doc[i].is_sent_start = False
    return doc
