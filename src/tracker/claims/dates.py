"""Candidates for release_date, from the rule tables in rules.py."""

from __future__ import annotations

import re

from . import rules as R
from .document import DATE_KEY, Doc, Found, Spans, scan
from .linking import pick
from .values import (
    iso_date,
    month_number,
    relative_day,
    relative_month,
)


def find_dates(doc: Doc) -> list[Found]:
    text = doc.text
    out: list[Found] = []
    seen = Spans(len(doc.text))
    candidates: list[tuple[int, int, str]] = []
    weak: set[int] = set()  # dates resolved against the publication date: the cue must be close
    for m in scan(doc, R.DATE_FULL, DATE_KEY):
        candidates.append((m.start(), m.end(), safe_date(m.group("year"), m.group("month"), m.group("day"))))
    for m in scan(doc, R.DATE_DAY_FIRST, DATE_KEY):
        candidates.append((m.start(), m.end(), safe_date(m.group("year"), m.group("month"), m.group("day"))))
    for m in scan(doc, R.DATE_ISO, DATE_KEY):
        candidates.append(
            (m.start(), m.end(), safe_date(m.group("year"), m.group("month"), m.group("day"), numeric=True))
        )
    for m in scan(doc, R.DATE_MONTH_YEAR, DATE_KEY):
        candidates.append((m.start(), m.end(), safe_date(m.group("year"), m.group("month"), None)))
    if doc.published is not None:
        pub_year = doc.published.year
        for m in scan(doc, R.DATE_MONTH_ONLY, DATE_KEY):
            candidates.append((m.start(), m.end(), safe_date(str(pub_year), m.group("month"), None)))
            weak.add(m.start())
        for m in scan(doc, R.DATE_DAY_NO_YEAR, DATE_KEY):
            day = safe_date(str(pub_year), m.group("month"), m.group("day"))
            if day and day > (doc.published.isoformat()[:10]):
                day = safe_date(
                    str(pub_year - 1), m.group("month"), m.group("day")
                )  # "on December 30" read in January
            candidates.append((m.start(), m.end(), day))
            weak.add(m.start())
        for m in scan(doc, R.DATE_RELATIVE_DAY, DATE_KEY):
            weak.add(m.start())
            candidates.append(
                (m.start(), m.end(), relative_day(m.group("day") or m.group("weekday"), doc.published) or "")
            )
        for m in scan(doc, R.DATE_RELATIVE_MONTH, DATE_KEY):
            weak.add(m.start())
            candidates.append((m.start(), m.end(), relative_month(m.group("rel"), doc.published) or ""))
    candidates.sort(key=lambda c: (c[0], -(c[1] - c[0])))
    for s, e, value in candidates:
        if not value or seen.overlaps(s, e) or any(bs < e and s < be for bs, be in doc.blocked):
            continue  # a blocked span: the page's own dateline, a license name
        seen.append((s, e))
        sent = doc.sentence_of(s)
        # "Mistral Large 1 (February 26, 2024)", "Succeeded by DeepSeek-V3 (Dec 2024)": a date in brackets
        if text[s - 1 : s] == "(" and text[e : e + 1] == ")":
            named = [m for m in sent.mentions if m.end in (s - 1, s - 2)]
            if named:
                out.append(Found("release_date", value, named[0].start, e + 1, [named[0]]))
                continue
        # "the November 2023 release of Grok-1"
        of = _RELEASE_OF.match(text, e)
        if of:
            named = [m for m in sent.mentions if m.start == of.end()]
            if named:
                out.append(Found("release_date", value, s, named[0].end, [named[0]]))
                continue
        # a timeline entry: "September 5, 2024 — DeepSeek-V2.5 released", "Dec 10 — X update"
        dash = _TIMELINE_DASH.match(text, e)
        if dash:
            named = [m for m in sent.mentions if m.start == dash.end()]
            event = _TIMELINE_EVENT.match(text, named[0].end) if named else None
            if named and event:
                out.append(Found("release_date", value, s, event.end(), [named[0]]))
                continue
        lo, hi = max(sent.start, s - 150), min(sent.end, e + 90)
        window = text[lo:hi]
        cues = list(R.RELEASE_CUE.finditer(text, lo, hi))
        if not cues or R.NOT_RELEASE.search(text, max(sent.start, s - 12), s):
            continue
        # the nearest cue must speak of this date: no clause break or other verb ("published") in between
        cue = min(cues, key=lambda c: abs(c.start() - s))
        between = text[cue.end() : s] if cue.start() < s else text[e : cue.start()]
        if _CLAUSE_BREAK.search(between) or (s in weak and len(between) > 40):
            continue
        if (
            R.NOT_RELEASE.search(text[max(sent.start, s - 40) : s])
            and "release" not in text[max(sent.start, s - 40) : s].lower()
        ):
            continue
        subjectless = bool(R.SUBJECTLESS_START.match(text, sent.start))
        pronoun = bool(R.PRONOUN_START.match(text, sent.start) or re.search(r"\b(?:it|they)\b", window))
        targets = pick(doc, s, e, allow_topic=subjectless or pronoun, max_gap=200)
        if targets:
            out.append(Found("release_date", value, s, e, targets))
    return out


_RELEASE_OF = re.compile(r"\s+(?:release|launch|debut|unveiling)\s+of\s+(?:the\s+)?")
_TIMELINE_DASH = re.compile(r"\s*[—–]\s*")
_TIMELINE_EVENT = re.compile(
    r"\s+(?:released|launched|unveiled|announced|introduced|open-sourced|debuts?|ships?|goes\s+GA|arrives|update|release|launch)\b",
    re.IGNORECASE,
)
_CLAUSE_BREAK = re.compile(
    r"[;—–]|\s-\s|\b(?:published|posted|came|come|updated|filed|submitted|which|who|whose|while|whereas)\b"
)


def safe_date(year: str, month: str, day: str | None, numeric: bool = False) -> str:
    try:
        mon = int(month) if numeric else month_number(month)
        return iso_date(int(year), mon, int(day) if day else None)
    except (ValueError, KeyError):
        return ""
