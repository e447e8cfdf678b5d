"""Candidates for benchmark scores in prose and in "benchmark:" blocks."""

from __future__ import annotations

import re

from . import rules as R
from .document import DIGIT_KEY, Doc, Found, Spans, scan, text_before
from .linking import not_compared, pick
from .mentions import ModelMention
from .subject import topic_of
from .values import (
    parse_number,
    tidy,
)


def benchmark_name(m: re.Match[str]) -> str | None:
    for key, value in m.groupdict().items():
        if value is not None and key.startswith("b"):
            name = R.BENCHMARKS[int(key[1:])][0]
            # acronyms that are also words ("drop", "ruler", "hle") only in capitals; the spelled-out
            # "Humanity's Last Exam" is fine in any case
            short = len(value) <= 6
            if name in R.BENCH_CASED and short and value.upper() != value and not value.startswith("Math"):
                return None
            return name
    return None


# Benchmarks the table does not know, named by how the text uses them: "81.1% on Global-MMLU-Lite",
# "On NYT Connections benchmark", "the SuperGLUE leaderboard".
_NAME = r"[A-Z][\w.+-]*(?:[ -](?:[A-Z0-9][\w.+-]*|v\d+(?:\.\d+)?)){0,3}"
_OPEN_NAME_CUES = [
    re.compile(rf"\d(?:\.\d+)?\s?(?:%|percent|points?)\s+on\s+(?:the\s+)?(?P<name>{_NAME})"),
    re.compile(
        rf"\b[Oo]n\s+(?:the\s+)?(?P<name>{_NAME})\s+(?:benchmark|leaderboard|eval|evaluation|test|suite)s?\b"
    ),
    re.compile(
        rf"\b(?:[Ss]cor\w+|[Aa]chiev\w+|[Rr]each\w+|[Pp]ost\w*)\s+(?:an?\s+)?\d+(?:\.\d+)?\s?%?\s+on\s+(?:the\s+)?(?P<name>{_NAME})"
    ),
]
_NOT_BENCH_WORDS = frozenset(
    [
        "the",
        "a",
        "an",
        "its",
        "this",
        "that",
        "their",
        "our",
        "his",
        "her",
        "it",
        "average",
        "overall",
        "total",
        "all",
        "both",
        "each",
        "every",
        "release",
        "launch",
        "day",
        "week",
    ]
)
# A score right before the name with no "on": "87.2 MMLU-PRO", "64.9 LiveCodeBench"
_SCORE_RIGHT_BEFORE = re.compile(r"(?<![\w.])(?P<score>\d{1,3}\.\d+|\d{1,3}\s?%)\s+$")


def _open_benchmarks(
    doc: Doc, known: list[tuple[re.Match[str], str | None]]
) -> list[tuple[re.Match[str], str]]:
    """Benchmark names the table does not know, then every place the text names them."""
    text = doc.text
    names: set[str] = set()
    for i, cue in enumerate(_OPEN_NAME_CUES):
        # the cues with a figure in them only run where the text has digits (speed)
        for m in cue.finditer(text) if i == 1 else scan(doc, cue, DIGIT_KEY):
            name = m.group("name").rstrip(".-")
            s = m.start("name")
            if (
                len(name) < 3
                or name.split()[0].lower() in _NOT_BENCH_WORDS
                or doc.in_mention(s, s + len(name))
                or R.BENCH.match(name)
            ):
                continue
            names.add(name)
    if not names:
        return []
    taken = Spans(len(text))
    for m, _ in known:
        taken.append((m.start(), m.end()))
    pattern = re.compile(
        r"(?<![\w-])(?:"
        + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
        + r")(?![\w-])"
    )
    return [(m, m.group(0)) for m in pattern.finditer(text) if not taken.overlaps(m.start(), m.end())]


# "vs o3's 69.1%", "[GPT-4](/wiki/gpt4)'s 67.0%": a score owned by the model before it
_POSSESSIVE_SCORE = re.compile(
    r"(?:\]\([^)\s]{0,80}\))?['’]s\s+(?P<score>\d{1,3}(?:\.\d+)?)\s?%?(?!\d|\.\d|\s?(?:[BMKT]\b|billion|million|tokens))"
)
_RESPECTIVELY = re.compile(
    r"(?<![\w.])(?P<a>\d{1,3}(?:\.\d+)?)\s?%?\s+and\s+(?P<b>\d{1,3}(?:\.\d+)?)\s?(?:%|percent)?\s*,?\s+respectively\b"
)
_SCORE_FOR = re.compile(
    r"(?<![\w.])(?P<score>\d{1,3}(?:\.\d+)?)\s?(?:%|percent)\s+(?:for|by|from)\s+(?:the\s+)?$"
)


def _with_version(text: str, m: re.Match[str], name: str) -> tuple[int, str]:
    """ "LiveCodeBench v6", "MATH Level 5": a version that identifies the test stays in the name."""
    tail = re.match(r"\s(v\d+(?:\.\d+)?|Level\s\d+|(?:19|20)\d\d)\b(?!\s?%)", text[m.end() : m.end() + 12])
    if tail is None or (tail.group(1)[:2] in ("19", "20") and re.search(r"\d{4}", name)):
        return m.end(), name
    return m.end() + tail.end(), f"{name} {tail.group(1)}"


def find_benchmarks(doc: Doc) -> list[Found]:
    text = doc.text
    out: list[Found] = []
    used = Spans(len(doc.text))
    bench_hits: list[tuple[re.Match[str], str | None]] = [
        (m, benchmark_name(m)) for m in R.bench_matches(text, doc.low, doc.regions(DIGIT_KEY))
    ]
    bench_hits = [(m, n) for m, n in bench_hits if n]
    bench_hits += _open_benchmarks(doc, bench_hits)
    bench_hits.sort(key=lambda h: h[0].start())
    for m, name in bench_hits:
        assert name is not None
        sent = doc.sentence_of(m.start())
        score: re.Match[str] | None = None
        s = e = 0
        name_end, name = _with_version(text, m, name)
        # "81% on SWE-bench Verified", "77.5 on AIME", "94th percentile on Codeforces"
        pre = R.SCORE_ON.search(text, max(sent.start, m.start() - 60), m.start())
        right = _SCORE_RIGHT_BEFORE.search(text, max(sent.start, m.start() - 12), m.start())
        if pre and pre.end() == m.start():
            score, s, e = pre, pre.start(), name_end
        elif right:
            score, s, e = right, right.start(), name_end
        else:
            post = R.BENCH_THEN_SCORE.match(text, name_end, min(sent.end, name_end + 120))
            if post:
                score, s, e = post, m.start(), post.end()
        if score is None:
            continue
        if R.SCORE_BOUND.search(text_before(doc, score.start("score"), 14)) or used.overlaps(s, e):
            continue
        value = tidy(parse_number(score.group("score")))
        if not isinstance(value, (int, float)) or value > 3000:
            continue
        anaphor = bool(
            R.ANAPHOR.search(text, sent.start, e)
            or R.PRONOUN_START.match(text, sent.start)
            # no model of its own in the sentence, only ones it compares with ("(matching Claude 3.5 Sonnet)")
            or not not_compared(doc, sent, sent.mentions)
        )
        targets = _which_clause_owner(doc, sent.mentions, s) or pick(doc, s, e, allow_topic=anaphor)
        if not targets:
            continue
        used.append((s, e))
        out.append(Found("benchmark", value, s, e, targets, name=name))
        # "77.2% (standard) / 82.0% (with parallel compute)": a score under a second setting
        again = _SECOND_SETTING.match(text, e)
        if again and not used.overlaps(again.start(), again.end()):
            used.append((again.start(), again.end()))
            second = tidy(parse_number(again.group("score")))
            out.append(Found("benchmark", second, s, again.end(), targets, name=name))
        # "93.1 (up from 88.4 on V3.1-Terminus)", "50.5% — from V2's 38.9%": the earlier model's own score
        earlier = _earlier_score(doc, sent.mentions, e)
        if earlier is not None and not used.overlaps(earlier[1], earlier[2]):
            used.append((earlier[1], earlier[2]))
            out.append(Found("benchmark", earlier[0], earlier[1], earlier[2], [earlier[3]], name=name))
        # "..., ahead of GPT-4-Turbo at 72.05 and GPT-3.5-Turbo at 54.66": competitors in the same sentence,
        # up to the next benchmark named
        next_bench = min((b.start() for b, _ in bench_hits if b.start() > m.end()), default=sent.end)
        for other in sent.mentions:
            if other.start <= e or other in targets or other.start >= next_bench:
                continue
            sm = R.SCORE_VERB.match(text, other.end + 1) if text[other.end : other.end + 1] == " " else None
            if sm and not R.SCORE_BOUND.search(text_before(doc, sm.start("score"), 14)):
                out.append(
                    Found(
                        "benchmark",
                        tidy(parse_number(sm.group("score"))),
                        other.start,
                        sm.end(),
                        [other],
                        name=name,
                    )
                )
    # A sentence that names one benchmark first ("On Kotlin-HumanEval, Codestral scored 73.75 ...")
    by_sentence: dict[int, list[tuple[re.Match[str], str | None]]] = {}
    for hit in bench_hits:
        by_sentence.setdefault(doc.sentence_index(hit[0].start()), []).append(hit)
    for idx, names in by_sentence.items():
        sent = doc.sentences[idx]
        if len({n for _, n in names}) != 1:
            continue
        bm, name = names[0]
        # "... for Magistral Small and ... for Magistral Medium, rising to 83.3 and 90 percent respectively"
        resp = _RESPECTIVELY.search(text, sent.start, sent.end)
        pair = list({m.canonical: m for m in not_compared(doc, sent, sent.mentions)}.values())
        if resp and len(pair) == 2 and not used.overlaps(resp.start(), resp.end()):
            used.append((resp.start(), resp.end()))
            for model, group in zip(pair, ("a", "b"), strict=True):
                figure = tidy(parse_number(resp.group(group)))
                out.append(Found("benchmark", figure, resp.start(), resp.end(), [model], name=name))
        it = _IT_SCORED.search(text, bm.end(), sent.end)
        topic = topic_of(doc, sent.start) if it else None
        if it and topic is not None and not used.overlaps(it.start(), it.end()):
            used.append((it.start(), it.end()))
            out.append(
                Found(
                    "benchmark",
                    tidy(parse_number(it.group("score"))),
                    bm.start(),
                    it.end(),
                    [topic],
                    name=name,
                )
            )
        scored_here = False
        for other in sent.mentions:
            # "70.7 percent for Magistral Small": the score before the model it belongs to
            pre = _SCORE_FOR.search(text, max(sent.start, other.start - 30), other.start)
            if pre and not used.overlaps(pre.start(), other.end):
                used.append((pre.start(), other.end))
                out.append(
                    Found(
                        "benchmark",
                        tidy(parse_number(pre.group("score"))),
                        pre.start(),
                        other.end,
                        [other],
                        name=name,
                    )
                )
                continue
            if other.start < bm.end():
                continue
            sm = R.SCORE_VERB.match(text, other.end + 1) if text[other.end : other.end + 1] == " " else None
            # "On Arena Hard that puts it ahead of GPT-4o (79.3) and Claude 3.5 Sonnet (79.2)"
            sm = sm or PAREN_SCORE.match(text, other.end) or _POSSESSIVE_SCORE.match(text, other.end)
            # "Sable 7 posts 71.2 and Orion-X 73.9": the verb of the first pair carries over
            scored_here = scored_here or any(
                R.SCORE_VERB.match(text, x.end + 1) for x in sent.mentions if bm.end() < x.end < other.start
            )
            if (
                sm is None
                and scored_here
                and re.search(r"\band\s+$", text[max(sent.start, other.start - 5) : other.start])
            ):
                sm = _COORD_SCORE.match(text, other.end)
            if sm is None or R.SCORE_BOUND.search(text_before(doc, sm.start("score"), 14)):
                continue
            if used.overlaps(other.start, sm.end()):
                continue
            used.append((other.start, sm.end()))
            scored_here = True
            out.append(
                Found(
                    "benchmark",
                    tidy(parse_number(sm.group("score"))),
                    other.start,
                    sm.end(),
                    [other],
                    name=name,
                )
            )
            earlier = _earlier_score(doc, sent.mentions, sm.end())
            if earlier is not None and not used.overlaps(earlier[1], earlier[2]):
                used.append((earlier[1], earlier[2]))
                out.append(Found("benchmark", earlier[0], earlier[1], earlier[2], [earlier[3]], name=name))
    out += _benchmark_blocks(doc)
    return out


_SECOND_SETTING = re.compile(
    r"\s?%?(?:\s*\([^()\n]{1,40}\))?(?:\s+(?:with|without|using)\s+[\w -]{1,30}?)?"
    r"\s*/\s*(?P<score>\d{1,3}(?:\.\d+)?)\s?%"
)
_COORD_SCORE = re.compile(
    r"\s(?P<score>\d{1,3}(?:\.\d+)?)\s?%?(?!\w|\.\d|\s?(?:[BMKT]\b|billion|million|tokens|percentile))"
)
_WHICH_CLAUSE = re.compile(r"\s*,\s+which\s+[^.;,()]{0,80}$")


_FROM_EARLIER = re.compile(
    r"\s?%?\s*(?:[—–(,]|\s-)?\s*(?:up\s+|down\s+|improving\s+|rising\s+)?from\s+(?:the\s+)?"
)
_SCORE_ON_MODEL = re.compile(r"(?P<score>\d{1,3}(?:\.\d+)?)\s?%?\s+(?:on|for|with|by|in)\s+(?:the\s+)?")


def _earlier_score(
    doc: Doc, mentions: list[ModelMention], pos: int
) -> tuple[int | float, int, int, ModelMention] | None:
    """A score followed by the one it rose from: (score, start, end, that model), or None."""
    text = doc.text
    lead = _FROM_EARLIER.match(text, pos)
    if lead is None:
        return None
    at = lead.end()
    for m in mentions:
        if m.start == at:  # "from V2's 38.9%"
            own = _POSSESSIVE_SCORE.match(text, m.end)
            if own is not None:
                return tidy(parse_number(own.group("score"))), at, own.end(), m
            return None
    score = _SCORE_ON_MODEL.match(text, at)  # "from 88.4 on V3.1-Terminus"
    if score is not None:
        for m in mentions:
            if m.start == score.end():
                return tidy(parse_number(score.group("score"))), at, m.end, m
    return None


def _which_clause_owner(doc: Doc, mentions: list[ModelMention], pos: int) -> list[ModelMention | str]:
    """ "Orbit 4 Pro, which Acme quotes at 59.4 on GPQA": a relative clause's value is its model's."""
    before = [m for m in mentions if m.end <= pos]
    if before and _WHICH_CLAUSE.match(doc.text, before[-1].end, pos):
        return [before[-1]]
    return []


PAREN_SCORE = re.compile(r"\s?\((?P<score>\d{1,2}(?:\.\d+)?|100)\s?%?\)")
_IT_SCORED = re.compile(
    r"\b(?:it|the\s+model)\s+(?:scored|scores|reached|reaches|achieved|achieves|posted|posts|hit|hits|got|gets)\s+(?:an?\s+)?"
    r"(?P<score>\d+(?:\.\d+)?)\s?%?(?!\s?(?:[BMK]\b|billion|million|tokens|x\b|times))"
)
_BLOCK_HEAD = re.compile(r"^[ \t]*(?P<head>[^\n:]{2,40}?)(?:\s+scores?)?\s*:[ \t]*$", re.MULTILINE)
_BLOCK_ROW = re.compile(
    r"[ \t]*(?P<model>[^\n:]{2,60}?)\s*(?:\((?P<size>\d+(?:\.\d+)?[BM])\))?"
    r"\s*:\s*(?P<score>\d+(?:\.\d+)?)\s*%?[ \t]*$"
)


def _benchmark_blocks(doc: Doc) -> list[Found]:
    """A benchmark name on its own line, then "Model: score" lines."""
    text = doc.text
    out: list[Found] = []
    for head in _BLOCK_HEAD.finditer(text):
        bm = R.BENCH.search(head.group("head"))
        name = benchmark_name(bm) if bm else None
        if name is None or bm is None or bm.start() > 2:
            continue
        pos = head.end() + 1
        while pos < len(text):
            nl = text.find("\n", pos)
            line_end = len(text) if nl < 0 else nl
            row = _BLOCK_ROW.match(text, pos, line_end)
            if not row:
                break
            ms = [x for x in doc.mentions if row.start("model") <= x.start < row.end("model")]
            if ms:
                model: ModelMention | str = ms[0]
                if row.group("size"):
                    model = f"{ms[0].family or ms[0].canonical}-{row.group('size')}"
                out.append(
                    Found(
                        "benchmark",
                        tidy(parse_number(row.group("score"))),
                        row.start("model"),
                        row.end("score") + (1 if text[row.end("score") : row.end("score") + 1] == "%" else 0),
                        [model],
                        name=name,
                    )
                )
            pos = line_end + 1
    return out
