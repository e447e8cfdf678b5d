"""Candidates for benchmark scores in prose and in "benchmark:" blocks."""

from __future__ import annotations

import re

from . import rules as R
from .document import DIGIT_KEY, Doc, Found, Spans, text_before
from .linking import pick
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


def find_benchmarks(doc: Doc) -> list[Found]:
    text = doc.text
    out: list[Found] = []
    used = Spans(len(doc.text))
    bench_hits = [(m, benchmark_name(m)) for m in R.bench_matches(text, doc.low, doc.regions(DIGIT_KEY))]
    bench_hits = [(m, n) for m, n in bench_hits if n]
    for m, name in bench_hits:
        assert name is not None
        sent = doc.sentence_of(m.start())
        score: re.Match[str] | None = None
        s = e = 0
        # "81% on SWE-bench Verified", "77.5 on AIME", "94th percentile on Codeforces"
        pre = R.SCORE_ON.search(text, max(sent.start, m.start() - 60), m.start())
        if pre and pre.end() == m.start():
            score, s, e = pre, pre.start(), m.end()
        else:
            post = R.BENCH_THEN_SCORE.match(text, m.end(), min(sent.end, m.end() + 120))
            if post:
                score, s, e = post, m.start(), post.end()
        if score is None:
            continue
        if R.SCORE_BOUND.search(text_before(doc, score.start("score"), 14)) or used.overlaps(s, e):
            continue
        value = tidy(parse_number(score.group("score")))
        if not isinstance(value, (int, float)) or value > 3000:
            continue
        anaphor = bool(R.ANAPHOR.search(text, sent.start, e) or R.PRONOUN_START.match(text, sent.start))
        targets = pick(doc, s, e, allow_topic=anaphor)
        if not targets:
            continue
        used.append((s, e))
        out.append(Found("benchmark", value, s, e, targets, name=name))
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
        for other in sent.mentions:
            if other.start < bm.end():
                continue
            sm = R.SCORE_VERB.match(text, other.end + 1) if text[other.end : other.end + 1] == " " else None
            # "On Arena Hard that puts it ahead of GPT-4o (79.3) and Claude 3.5 Sonnet (79.2)"
            sm = sm or PAREN_SCORE.match(text, other.end)
            if sm is None or R.SCORE_BOUND.search(text_before(doc, sm.start("score"), 14)):
                continue
            if used.overlaps(other.start, sm.end()):
                continue
            used.append((other.start, sm.end()))
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
    out += _benchmark_blocks(doc)
    return out


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
