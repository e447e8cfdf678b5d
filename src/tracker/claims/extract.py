"""Turn an article's text into grounded Claims: the stages, in order.

Pure: no network, no database, no clock. Every claim's evidence is `text[start:end]`.

1. document (document.py): sentences, model mentions (mentions.py, names.py), organisations (orgs.py)
2. candidates per attribute, from the rule tables in rules.py: licenses first (a license name is not
   a model), then parameters, context, prices, dates, hardware, benchmarks
3. structure readers (structure.py): tables in both orientations, "key: value" lines
4. developers (developers.py): possessives, launch verbs, "developed by", infobox fields
   (each candidate finds its model through subject.py and linking.py)
5. finalize (finalize.py): status, one claim per (model, attribute, value[, name])
"""

from __future__ import annotations

from datetime import date, datetime

from ..records import Claim
from .benchmarks import find_benchmarks
from .context import find_contexts
from .dates import find_dates
from .developers import find_developers, share_with_members
from .document import Doc, Found, dateline, drop_blocked_mentions, fold_typography, prepare
from .finalize import finalize
from .hardware import find_hardware
from .licenses import find_licenses
from .mentions import ModelMention
from .params import find_parameters
from .prices import find_prices
from .structure import find_key_values, find_tables
from .training_tokens import find_training_tokens


def extract_claims(text: str, published: date | datetime | None = None) -> list[Claim]:
    """All claims the text states about named models, grounded, one per (model, attribute, value[, name])."""
    return read_article(text, published)[0]


def read_article(
    text: str, published: date | datetime | None = None
) -> tuple[list[Claim], list[ModelMention]]:
    """The claims, and the model names as find_model_mentions gives them, from one reading of the text
    (ingest stores both; reading the names twice doubled the costliest stage)."""
    work = fold_typography(text)  # same length: every span found in `work` is a span of `text`
    stated = dateline(work)
    doc = prepare(work, published or (stated[0] if stated else None))
    if stated:
        doc.blocked.append(stated[1])  # the page's own date is not a release date
    if not doc.mentions:
        return [], doc.named
    claims = _claims(doc)
    if work is not text:
        for claim in claims:
            claim.evidence = text[claim.start : claim.end]
    return claims, doc.named


def _claims(doc: Doc) -> list[Claim]:
    found: list[Found] = []
    found += find_licenses(
        doc
    )  # first: license names block model mentions inside them ("Jamba Open Model License")
    drop_blocked_mentions(doc)
    found += find_parameters(doc)
    found += find_contexts(doc)
    found += find_prices(doc)
    dates = find_dates(doc)
    found += dates + share_with_members(
        doc, [f for f in dates if f.attribute == "release_date"], same_sentence=False
    )
    found += find_hardware(doc)
    found += find_benchmarks(doc)
    found += find_training_tokens(doc)
    found = _structure_wins(found, find_tables(doc))
    found = _structure_wins(found, find_key_values(doc))
    makers = find_developers(doc)
    found += makers + share_with_members(doc, makers)
    return finalize(doc, found)


def _structure_wins(found: list[Found], lines: list[Found]) -> list[Found]:
    """A "key: value" line names whose value it is (its section's model); prose rules on its span yield."""
    if not lines:
        return found
    spans = {
        (f.attribute, str(f.value)): [(x.start, x.end) for x in lines if x.attribute == f.attribute]
        for f in lines
    }
    kept = [
        f
        for f in found
        if not any(s < f.end and f.start < e for s, e in spans.get((f.attribute, str(f.value)), ()))
    ]
    return kept + lines
