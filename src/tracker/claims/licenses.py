"""Candidates for license: short names, "X License", "Terms of Use", possessive licenses."""

from __future__ import annotations

import re

from . import rules as R
from .document import LICENSE_KEY, Doc, Found, Spans, orgs_in, scan
from .linking import pick
from .mentions import ModelMention
from .orgs import canonical_org
from .params import size_family
from .subject import topic_of


def norm_license(raw: str) -> str | None:
    name = " ".join(raw.replace("\u00a0", " ").split())
    name = re.sub(r"^Licen[cs]e(?=[A-Z])", "", name)
    low = name.lower()
    if low == "mit":
        return "MIT"
    if re.fullmatch(r"modified[\s-]+mit", low):
        return "Modified MIT License"
    if re.fullmatch(r"apache(?:[\s-]?(?:licen[cs]e[\s,]*)?(?:version\s*)?2(?:\.0)?)?", low):
        return "Apache-2.0"
    m = re.fullmatch(r"(gpl|agpl)-?([23])(?:\.0)?", low)
    if m:
        return f"{m.group(1).upper()}-{m.group(2)}.0"
    return name


_LICENSE_IS_QUOTED = re.compile(r"\b[Ll]icen[cs]es?\s+(?:is|are|was|were|will\s+be)\s+[“\"]")
_QUOTED_LICENSE = re.compile(
    r"[“\"](?P<lic>[^\"”\n]{3,60}?\b(?:License|Licence)(?:\s+v?\d+(?:\.\d+)*)?)[”\"]"
)

# words that qualify a license without naming it
_LICENSE_FILLER = {"own"}


def find_licenses(doc: Doc) -> list[Found]:
    text = doc.text
    out: list[Found] = []
    spans: list[tuple[int, int, str]] = []
    for m in scan(doc, R.LICENSE_SHORT, LICENSE_KEY):
        name = norm_license(m.group("lic"))
        if name:
            spans.append((m.start(), m.end(), name))
    for m in scan(doc, R.LICENSE_TERMS, LICENSE_KEY):
        words = [w for w in m.group("lic").split() if not R.LICENSE_VAGUE.match(w)]
        if words:
            start = m.start("lic") + m.group("lic").find(words[0])
            spans.append((start, m.end(), " ".join(words) + " Terms of Use"))
    for m in scan(doc, R.LICENSE_UNDER, LICENSE_KEY):
        name = norm_license(m.group("lic"))
        if name:
            spans.append((m.start("lic"), m.end("lic"), name))
    for m in scan(doc, R.LICENSE_NAMED, LICENSE_KEY):
        words = m.group("lic").split()
        # drop leading words that are not part of the name ("under", "the", sentence starts)
        while words and (R.LICENSE_VAGUE.match(words[0]) or words[0] in ("The", "A", "An", "Its", "Under")):
            words = words[1:]
        if not words:
            continue
        raw = " ".join(words)
        if raw.lower() in ("mit", "apache") or re.fullmatch(r"(?:MIT|Apache[\s-]?2(?:\.0)?)", raw, re.I):
            continue  # handled by LICENSE_SHORT
        if all(R.LICENSE_VAGUE.match(w) for w in words):
            continue
        start = m.start("lic") + m.group("lic").find(words[0])
        name = norm_license(raw + " License" + (m.group("ver") or ""))
        if name:
            spans.append((start, m.end(), name))
    for m in scan(doc, R.LICENSE_POSSESSIVE, LICENSE_KEY):
        org = canonical_org(m.group("org"))
        if not any(o.start() == m.start("org") for o in orgs_in(doc, m.start("org"), m.end("org"))):
            continue
        title = " ".join(
            w.capitalize() if "-" not in w else "-".join(p.capitalize() for p in w.split("-"))
            for w in m.group("words").split()
            # "DeepSeek's own model license" is the DeepSeek Model License
            if w.lower() not in _LICENSE_FILLER
        )
        spans.append((m.start(), m.end(), f"{org} {title} License"))
    # 'The license is "Custom Commercial License" and "Llama 3.1 Community License"': named in quotes
    for m in scan(doc, _LICENSE_IS_QUOTED, LICENSE_KEY):
        for q in _QUOTED_LICENSE.finditer(text, m.end() - 1, doc.sentence_of(m.start()).end):
            name = norm_license(q.group("lic"))
            if name:
                spans.append((q.start("lic"), q.end("lic"), name))
    spans.sort(key=lambda x: (x[0], -(x[1] - x[0])))
    taken = Spans(len(doc.text))
    for s, e, name in spans:
        if taken.overlaps(s, e):
            continue
        taken.append((s, e))
        doc.blocked.append((s, e))
        doc.mask = None
        sent = doc.sentence_of(s)
        if R.LICENSE_CODE.search(text[max(sent.start, s - 60) : s]) and not re.search(
            r"weights|model", text[max(sent.start, s - 60) : s]
        ):
            continue
        adjective = bool(
            re.match(r"[\s-]*licensed\b", text[e - 8 : e + 1].lower())
            or text[s:e].lower().endswith("licensed")
        )
        pronoun = bool(
            R.PRONOUN_START.match(text, sent.start)
            or R.SUBJECTLESS_START.match(text, sent.start)
            or R.ANAPHOR.search(text, sent.start, sent.end)
        )
        under = bool(
            re.search(
                r"\b(?:under|with|via)\s+(?:an?\s+|the\s+|its\s+)?(?:own\s+)?$", text[max(0, s - 20) : s]
            )
            or _LICENSE_IS_QUOTED.search(text, sent.start, s)
        )
        sized, subject = _by_size(doc, s)
        if sized:  # the evidence runs from the sizes the clause names to the license
            out.append(Found("license", name, subject, e, sized, expected=False))
            continue
        out.append(Found("license", name, s, e, [], expected=False))
        out[-1].models = _pick_license(doc, s, e, adjective=adjective, allow_topic=pronoun or under)
    return [f for f in out if f.models]


# "Licensing varies by size: the 7B and 32B weights are Apache 2.0, the 72B uses the Qwen License"
_CLAUSE_SIZES = re.compile(
    r"[\s*]*(?:and\s+|while\s+)?(?:the\s+)?(?P<sizes>\d+(?:\.\d+)?B(?:\s*(?:,|and|&|/)\s*\d+(?:\.\d+)?B)*)"
    r"(?![\w.-])(?:\s+(?:weights|models?|versions?|variants?|checkpoints?|sizes?))?\s+[a-z]"
)
_CLAUSE_BREAK = re.compile(r"[;:,]")


def _by_size(doc: Doc, s: int) -> tuple[list[ModelMention | str], int]:
    """A license clause whose subject is bare sizes: the family's models of those sizes, and their start."""
    text = doc.text
    sent = doc.sentence_of(s)
    breaks = [b.end() for b in _CLAUSE_BREAK.finditer(text, sent.start, s)]
    start = breaks[-1] if breaks else sent.start
    m = _CLAUSE_SIZES.match(text, start)
    if m is None or m.end() > s or any(start <= x.start < s for x in sent.mentions):
        return [], s
    sized = [x for x in doc.mentions if x.start < s and x.size and x.kind == "name"]
    base = sized[-1] if sized else topic_of(doc, s)
    if base is None:
        return [], s
    family = size_family(base.canonical)
    sizes = re.findall(r"\d+(?:\.\d+)?B", m.group("sizes"))
    return [f"{family}-{size}" for size in sizes], m.start("sizes")


def _pick_license(
    doc: Doc, s: int, e: int, *, adjective: bool, allow_topic: bool
) -> list[ModelMention | str]:
    # mentions are not yet filtered for license names; ignore the ones inside this license's span
    sent = doc.sentence_of(s)
    saved = sent.mentions
    sent.mentions = [m for m in saved if not (s <= m.start and m.end <= e)]
    try:
        # "under the MIT license": what came before; "the Apache-2.0-licensed Yi-1.5": what follows
        return pick(doc, s, e, allow_topic=allow_topic, after_first=adjective, allow_after=adjective)
    finally:
        sent.mentions = saved
