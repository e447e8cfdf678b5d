# ruff: noqa: E501 - regexes read best one per line
"""The subject stage: which model an unnamed sentence or a spec-sheet line is about (one definition for every attribute)."""

from __future__ import annotations

import re

from . import rules as R
from .document import Doc, orgs_in
from .mentions import ModelMention


def topic_of(doc: Doc, pos: int) -> ModelMention | None:
    """What "it" or an unnamed line is about: the last model opening a nearby sentence, else the lead."""
    for sent in reversed(doc.sentences):
        if sent.start >= pos:
            continue
        if pos - sent.start > 1200:
            break
        line = doc.text[sent.start : sent.end]
        if line.lstrip().startswith("|"):
            continue  # table rows are not the discourse topic
        for m in sent.mentions:
            if len(sent.mentions) == 1 and (sent.end - sent.start) - (m.end - m.start) <= 12:
                return m  # a heading naming one model
            lead = doc.text[sent.start : m.start]
            if LEAD.fullmatch(lead) or _launched_by_opener(doc, sent.start, m.start):
                return m  # opens the sentence, or "Mistral AI released <model>"
            break
    return doc.main


def _launched_by_opener(doc: Doc, start: int, pos: int) -> bool:
    """The sentence opens with an organisation and a launch verb before the model ("The X Institute published")."""
    lead = doc.text[start:pos]
    orgs = orgs_in(doc, start, pos)
    return bool(len(lead) <= 80 and orgs and orgs[0].start() - start <= 12 and R.DEV_VERB.search(lead))


LEAD = re.compile(r"\W{0,4}(?:[A-Z][\w-]*(?:\s+[\w-]+){0,3}:\s+)?(?:The\s+|the\s+)?")


HEADING = re.compile(r"^(?:#{1,6}[ \t]+[^\n]+|\*\*[^*\n]{2,80}\*\*[ \t]*:?)$", re.MULTILINE)


def section_subject(doc: Doc, pos: int) -> ModelMention | None:
    """The model a line of a spec sheet is about: the nearest heading naming one, else the article's model."""
    text = doc.text
    saw_heading = False
    for h in reversed(list(HEADING.finditer(text, 0, pos))):
        ms = [m for m in doc.sentence_of(h.start()).mentions if h.start() <= m.start < h.end()]
        if ms:
            return ms[0]
        saw_heading = True
        if pos - h.start() > 4000:
            break
    if saw_heading:
        return doc.main
    return topic_of(doc, pos)
