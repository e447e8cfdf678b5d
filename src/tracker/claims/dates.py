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


def leading_date(raw: str) -> tuple[str, int] | None:
    """The date a value opens with ('July 23, 2024 (API)', 'Dec 2024', '2024-06-05') and where it ends."""
    for pattern in (R.DATE_FULL, R.DATE_DAY_FIRST, R.DATE_ISO, R.DATE_MONTH_YEAR):
        m = pattern.match(raw)
        if m:
            day = m.groupdict().get("day")
            iso = safe_date(m.group("year"), m.group("month"), day, numeric=pattern is R.DATE_ISO)
            return (iso, m.end()) if iso else None
    return None


def cell_date(raw: str) -> str | None:
    """The date a cell or a bracket holds, and nothing else."""
    cell = raw.strip()
    found = leading_date(cell)
    return found[0] if found and found[1] == len(cell) else None


# "Mistral Large 1 (February 26, 2024)", "Succeeded by V3 (Dec 2024)": a date in brackets after a name
_BRACKETED = re.compile(r"\((?P<date>[^()\n]{6,24})\)")
# a timeline line: "Step-2 Jul 2024 (preview Mar 2024)", "Step-1.5V + Step-1X Jul 2024"
_JOINER = re.compile(r"\s*(?:\+|,|&|and)\s*")
_PREVIEW = re.compile(r"\s*\((?:preview|beta|announced|alpha)\s+(?P<date>[^()\n]{6,24})\)", re.I)


def _dated_names(doc: Doc, seen: Spans) -> list[Found]:
    """Dates that a layout ties to a name, with no release word needed: brackets and timeline lines."""
    text = doc.text
    out: list[Found] = []
    ends = {m.end: m for m in doc.mentions}
    for b in _BRACKETED.finditer(text):
        named = ends.get(b.start()) or ends.get(b.start() - 1)
        value = cell_date(b.group("date")) if named is not None else None
        if named is not None and value and not seen.overlaps(b.start(), b.end()):
            seen.append((b.start(), b.end()))
            out.append(Found("release_date", value, named.start, b.end(), [named]))
    starts = {x.start: x for x in doc.mentions}
    for m in doc.mentions:
        if m.start != 0 and text[m.start - 1] != "\n":
            continue
        names, pos = [m], m.end
        while (j := _JOINER.match(text, pos)) and j.end() in starts:
            names.append(starts[j.end()])
            pos = names[-1].end
        when = R.DATE_MONTH_YEAR.match(text, pos + 1) or R.DATE_FULL.match(text, pos + 1)
        if text[pos : pos + 1] != " " or when is None or seen.overlaps(when.start(), when.end()):
            continue
        line_end = text.find("\n", when.end())
        if (len(text) if line_end < 0 else line_end) - when.end() > 40:
            continue  # a sentence that opens with a name and a date, not a timeline row
        seen.append((when.start(), when.end()))
        dates = [(cell_date(when.group(0)), when.end())]
        pre = _PREVIEW.match(text, when.end())
        preview = cell_date(pre.group("date")) if pre else None
        if pre and preview:
            seen.append((pre.start(), pre.end()))
            dates.append((preview, pre.end()))
        for value, end in dates:
            out += [Found("release_date", value, m.start, end, [x]) for x in names if value]
    return out


def find_dates(doc: Doc) -> list[Found]:
    text = doc.text
    out: list[Found] = []
    seen = Spans(len(doc.text))
    out += _dated_names(doc, seen)
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
    for m in scan(doc, R.DATE_MONTH_ONLY, DATE_KEY):
        # the year its sentence gives before the month ("released in 2024 ... X in May"), else the page's
        sent = doc.sentence_of(m.start())
        years = _YEAR_IN.findall(text, sent.start, m.start())
        year = years[-1] if years else (str(doc.published.year) if doc.published is not None else None)
        if year is not None:
            candidates.append((m.start(), m.end(), safe_date(year, m.group("month"), None)))
            weak.add(m.start())
    if doc.published is not None:
        pub_year = doc.published.year
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
        # "It was followed in June 2024 by veyra-2": the model after "by" is the one that came
        if re.search(r"\bfollowed\s+(?:in|on)\s+$", text[max(sent.start, s - 16) : s]):
            by = re.match(r"\s+by\s+", text[e : e + 6])
            named = [m for m in sent.mentions if by and m.start == e + by.end()]
            if named:
                out.append(Found("release_date", value, s, named[0].end, [named[0]]))
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
        # a date without its year speaks of a release close by, or of the model named right before it
        named_before = any(0 <= s - m.end <= 1 for m in sent.mentions)
        if _CLAUSE_BREAK.search(between) or (s in weak and len(between) > (60 if named_before else 40)):
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


_YEAR_IN = re.compile(r"\b(?:in|during|throughout)\s+((?:19|20)\d\d)\b(?!-)")
_RELEASE_OF = re.compile(r"\s+(?:release|launch|debut|unveiling)\s+of\s+(?:the\s+)?")
_TIMELINE_DASH = re.compile(r"\s*[—–]\s*")
_TIMELINE_EVENT = re.compile(
    r"\s+(?:released|launched|unveiled|announced|introduced|open-sourced|debuts?|ships?|goes\s+GA|arrives|update|release|launch)\b",
    re.IGNORECASE,
)
_CLAUSE_BREAK = re.compile(
    r"[;—–]|\s-\s|\b(?:published(?!\s+(?:the\s+)?(?:full\s+|open\s+)?weights)|posted|came|come|updated|filed|submitted|"
    r"which|who|whose|while|whereas|"
    r"teased|hinted|previewed|rumou?red)\b"
)


def safe_date(year: str, month: str, day: str | None, numeric: bool = False) -> str:
    try:
        mon = int(month) if numeric else month_number(month)
        return iso_date(int(year), mon, int(day) if day else None)
    except (ValueError, KeyError):
        return ""
