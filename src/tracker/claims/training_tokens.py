"""Candidates for training_tokens: how many tokens a model was trained on ("trained on 15 trillion tokens").

The patterns are rules.TRAINING_TOKENS; a count is kept between 1 billion and 1,000 trillion tokens (below
that it is a context window or a batch, above it a typo), and goes to the model(s) the sentence is about.
"""

from __future__ import annotations

from . import rules as R
from .document import CONTEXT_KEY, Doc, Found, Spans, is_free, scan
from .linking import pick
from .values import magnitude


def find_training_tokens(doc: Doc) -> list[Found]:
    out: list[Found] = []
    seen = Spans(len(doc.text))
    for pattern in R.TRAINING_TOKENS:
        for m in scan(doc, pattern, CONTEXT_KEY):  # every pattern holds "token": the context key's regions
            if seen.overlaps(m.start(), m.end()) or not is_free(doc, m.start("num"), m.end("num")):
                continue
            try:
                value = magnitude(m.group("num"), m.group("scale"))
            except ValueError:
                continue
            if not 1e9 <= value <= 1e15:
                continue
            targets = pick(doc, m.start(), m.end(), allow_topic=True)
            if targets:
                out.append(Found("training_tokens", value, m.start(), m.end(), targets))
                seen.append((m.start(), m.end()))
    return out
