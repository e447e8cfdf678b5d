# ruff: noqa: E501 - regexes read best one per line
"""Structure readers: pipe, space-aligned and scraped tables in both orientations, "key: value" lines."""

from __future__ import annotations

import bisect
import re

from . import rules as R
from .benchmarks import benchmark_name
from .dates import cell_date, leading_date
from .document import Doc, Found
from .glued import find_glued_tables
from .licenses import norm_license
from .mentions import ModelMention
from .orgs import canonical_org
from .subject import section_subject
from .values import (
    magnitude,
    per_million,
    tidy,
)


def find_tables(doc: Doc) -> list[Found]:
    text = doc.text
    out: list[Found] = []
    lines: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        lines.append((pos, pos + len(line)))
        pos += len(line) + 1

    def piped(line: tuple[int, int]) -> bool:
        row = text[line[0] : line[1]]
        # "| a | b |", or scraped markdown without the outer pipes: "Item | E2B | E4B"
        return row.lstrip().startswith("|") or row.count("|") >= 2

    i = 0
    while i < len(lines):
        if not piped(lines[i]):
            i += 1
            continue
        block = []
        while i < len(lines) and piped(lines[i]):
            block.append(lines[i])
            i += 1
        out += _pipe_table(doc, block)
    out += _vertical_tables(doc)
    out += _spaced_tables(doc, lines)
    out += _inline_transposed(doc, lines)
    out += _leaderboard_rows(doc)
    out += find_glued_tables(doc, lines)
    return out


_SCORE_ROW = re.compile(
    r"^[ \t]*(?P<model>[^|\n]{2,60}?)[ \t]*\|[ \t]*(?:score|elo|rating|win\s+rate)\s*[:=][ \t]*(?P<score>\d+(?:\.\d+)?)",
    re.MULTILINE | re.IGNORECASE,
)


def _leaderboard_rows(doc: Doc) -> list[Found]:
    """Leaderboard lines "model | score: 82.0 | ..." under a sentence that names the benchmark."""
    text = doc.text
    out: list[Found] = []
    name: str | None = None
    last_end = -2
    for m in _SCORE_ROW.finditer(text):
        if m.start() != last_end + 1:  # a new block: the benchmark named just before it
            named = [
                b for b in R.BENCH.finditer(text, max(0, m.start() - 600), m.start()) if benchmark_name(b)
            ]
            name = benchmark_name(named[-1]) if named else None
        last_end = text.find("\n", m.end())
        ms = [x for x in doc.mentions if m.start("model") <= x.start < m.end("model")]
        if not ms or name is None:
            continue
        out.append(
            Found("benchmark", tidy(float(m.group("score"))), m.start("model"), m.end(), [ms[0]], name=name)
        )
    return out


# One value of a transposed row: a price pair, a price, a date, a size or count, a score.
_ROW_ATOM = re.compile(
    r"\$\s?\d+(?:\.\d+)?\s*/\s*\$\s?\d+(?:\.\d+)?(?:\s+per\s+\w+)?"
    r"|\$\s?\d+(?:\.\d+)?(?:\s*/\s*\w+)?"
    r"|(?:19|20)\d\d-[01]\d-[0-3]\d"
    r"|\d[\d,]*(?:\.\d+)?\s?(?:[KMBT]\b|%|k\b)?(?:\s+tokens)?"
)


def _inline_transposed(doc: Doc, lines: list[tuple[int, int]]) -> list[Found]:
    """Tables flattened to single spaces: "Feature Claude Opus 4 Claude Sonnet 4", then "Context Window 200K 200K"."""
    text = doc.text
    out: list[Found] = []
    starts = [m.start for m in doc.mentions]
    for i, (s, e) in enumerate(lines):
        lo, hi = bisect.bisect_left(starts, s), bisect.bisect_left(starts, e)
        if hi - lo < 2:
            continue
        ms = [m for m in doc.mentions[lo:hi] if m.end <= e and m.kind != "reference"]
        if len(ms) < 2 or "|" in text[s:e]:
            continue
        rest = text[s:e]
        for m in reversed(ms):
            rest = rest[: m.start - s] + rest[m.end - s :]
        if len(rest.split()) > 2 or re.search(r"\d", rest):
            continue  # a sentence that names two models, not a header row
        for rs, re_ in lines[i + 1 : i + 25]:
            row = text[rs:re_]
            first = re.search(r"[$\d]", row)
            if first is None:
                continue
            label = row[: first.start()].strip()
            attr_extra = column_attr(label) if label else None
            if attr_extra is None:
                continue
            atoms = [a for a in _ROW_ATOM.finditer(row, first.start()) if a.group(0).strip()]
            if len(atoms) != len(ms):
                continue
            attr, extra = attr_extra
            for model, atom in zip(ms, atoms, strict=True):
                raw = atom.group(0).strip()
                if attr in ("price_input", "price_output") and "/" in raw and "$" in raw.split("/", 1)[1]:
                    pair = re.findall(r"\$\s?(\d+(?:\.\d+)?)", raw)
                    low = label.lower()
                    if "input" in low and "output" in low and len(pair) == 2:
                        for which, price in zip(("price_input", "price_output"), pair, strict=True):
                            out.append(Found(which, per_million(price, "1M"), rs, rs + atom.end(), [model]))
                    continue
                value = cell_value(attr_extra, re.sub(r"\s+tokens$", "", raw))
                if value is not None:
                    name = extra if attr == "benchmark" else None
                    out.append(Found(attr, value, rs, rs + atom.end(), [model], name=name))
    return out


_GAP = re.compile(r"[ \t]{2,}|\t")


def _gap_cells(text: str, s: int, e: int) -> list[tuple[int, int]]:
    """Cells of a plain-text table row whose columns are separated by runs of 2+ spaces or tabs."""
    cells, a = [], s
    while a < e and text[a] in " \t":
        a += 1
    for m in _GAP.finditer(text, a, e):
        if m.start() > a:
            cells.append((a, m.start()))
        a = m.end()
    b = e
    while b > a and text[b - 1] in " \t":
        b -= 1
    if b > a:
        cells.append((a, b))
    return cells


def _spaced_tables(doc: Doc, lines: list[tuple[int, int]]) -> list[Found]:
    """Plain-text tables aligned with spaces: a header line "Model  Params  Context" then one row a line."""
    text = doc.text
    out: list[Found] = []
    for i, (s, e) in enumerate(lines):
        header_cells = _gap_cells(text, s, e)
        if len(header_cells) < 2 or "|" in text[s:e]:
            continue
        if not text[header_cells[0][0] : header_cells[0][1]].strip().lower().startswith("model"):
            continue
        attrs = [column_attr(text[a:b]) for a, b in header_cells]
        if not any(attrs[1:]):
            continue
        for rs, re_ in lines[i + 1 :]:
            cells = _gap_cells(text, rs, re_)
            if len(cells) != len(header_cells):
                break
            ms = [m for m in doc.mentions if cells[0][0] <= m.start < cells[0][1]]
            if not ms:
                continue
            for j, (a, b) in enumerate(cells[1:], start=1):
                if attrs[j] is None:
                    continue
                attr, extra = attrs[j]  # type: ignore[misc]
                value = cell_value((attr, extra), text[a:b])
                if value is not None:
                    name = extra if attr == "benchmark" else None
                    out.append(Found(attr, value, ms[0].start, b, [ms[0]], name=name))
    return out


CELL_NUMBER = re.compile(r"[~$]?\d[\d,]*(?:\.\d+)?\s?(?:[BMKT]|%)?")


def _vertical_tables(doc: Doc) -> list[Found]:
    """Tables whose cells became one line each (scraped HTML): "Model", header cells, then rows of cells."""
    from .mentions import canonical_model_name

    text = doc.text
    lines = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text) if m.group(0).strip()]
    out: list[Found] = []
    for idx, (s, e) in enumerate(lines):
        if text[s:e].strip().lower() not in ("model", "models", "model name"):
            continue
        first_num = next(
            (
                k
                for k in range(idx + 1, min(len(lines), idx + 12))
                if CELL_NUMBER.fullmatch(text[lines[k][0] : lines[k][1]].strip())
            ),
            None,
        )
        if first_num is None:
            continue
        ncols = first_num - 1 - idx
        if not 2 <= ncols <= 10:
            continue
        header = [text[a:b].strip() for a, b in lines[idx : idx + ncols]]
        title = text[lines[idx - 1][0] : lines[idx - 1][1]] if idx else ""
        attrs = [column_attr(h) for h in header]
        for j, h in enumerate(header):
            tb = R.BENCH.search(title)
            if attrs[j] is None and "score" in h.lower() and tb and benchmark_name(tb):
                attrs[j] = ("benchmark", benchmark_name(tb))
        size_col = next((j for j, a in enumerate(attrs) if a and a[0] == "parameters_total"), None)
        pos = idx + ncols
        while pos + 1 < len(lines):
            row = lines[pos : pos + ncols]
            cells = [text[a:b].strip() for a, b in row]
            if len(cells) < 2 or any(len(c) > 40 for c in cells) or CELL_NUMBER.fullmatch(cells[0]):
                break
            name = cells[0] + (
                f" {cells[size_col]}" if size_col is not None and size_col < len(cells) else ""
            )
            model = canonical_model_name(name) or canonical_model_name(cells[0])
            if model is None:
                break
            for j, (a, b) in enumerate(row[1:], start=1):
                if attrs[j] is None:
                    continue
                found = cell_value(attrs[j], text[a:b].strip())  # type: ignore[arg-type]
                if found is not None:
                    attr, extra = attrs[j]  # type: ignore[misc]
                    out.append(
                        Found(attr, found, row[0][0], b, [model], name=extra if attr == "benchmark" else None)
                    )
            pos += ncols
    return out


def cell_value(attr_extra: tuple[str, str | None], raw: str) -> int | float | str | None:
    """The value of one table cell for its column's attribute, or None."""
    attr, extra = attr_extra
    if attr in ("parameters_total", "parameters_active"):
        # "400B+" is a bound, not a count (GUIDELINES: bounds are skipped)
        m = re.fullmatch(r"~?\s*(\d+(?:\.\d+)?)\s*(trillion|billion|T|B)\b(?!\s*\+).*", raw, re.I)
        return magnitude(m.group(1), m.group(2)) if m else None
    if attr == "context_window":
        m = re.fullmatch(r"(\d[\d,]*(?:\.\d+)?)\s*(M|K|k|million)?(?:\s*tokens)?", raw, re.I)
        return magnitude(m.group(1), m.group(2)) if m else None
    if attr in ("price_input", "price_output"):
        # a bare number only under a header that says dollars ("In $")
        m = re.fullmatch(r"\$\s?(\d+(?:\.\d+)?)" if extra != "$" else r"\$?\s?(\d+(?:\.\d+)?)", raw.strip())
        return per_million(m.group(1), extra if extra == "1K" else "1M") if m else None
    if attr == "developer":
        name = raw.strip()
        if re.fullmatch(r"[A-Z][\w.&-]*(?:\s+[A-Z][\w.&-]*){0,3}", name) and name.lower() not in (
            "n/a",
            "none",
            "unknown",
        ):
            return canonical_org(name)
        return None
    if attr == "license":
        if not re.search(r"[A-Za-z]{2,}", raw) or raw.lower() in (
            "proprietary",
            "n/a",
            "closed",
            "none",
            "unknown",
        ):
            return None
        return norm_license(raw)
    if attr == "benchmark":
        m = re.fullmatch(r"\**(\d+(?:\.\d+)?)\s*%?\**", raw.strip())
        return tidy(float(m.group(1))) if m else None
    if attr == "release_date":
        return cell_date(raw)
    return None


def _cells(text: str, s: int, e: int) -> list[tuple[int, int]]:
    cells = []
    for m in re.finditer(r"[^|]+", text[s:e]):
        a, b = s + m.start(), s + m.end()
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        cells.append((a, b))
    return cells


def column_attr(header: str) -> tuple[str, str | None] | None:
    h = header.lower()
    if "batch" in h or "cache" in h or "max output" in h or "non-emb" in h or "effective" in h:
        return None
    if "param" in h:
        return ("parameters_active", None) if "activ" in h else ("parameters_total", None)
    if h.strip() in ("active", "activated", "active params"):
        return ("parameters_active", None)
    if h.strip() in ("total", "total size"):
        return ("parameters_total", None)
    if h.strip() in (
        "developer",
        "developers",
        "lab",
        "maker",
        "organisation",
        "organization",
        "creator",
        "company",
    ):
        return ("developer", None)
    if re.fullmatch(r"(?:in|input)\s*(?:\$|price|cost|usd).*|\$\s*(?:in|input)\b.*", h.strip()):
        return ("price_input", "1K" if re.search(r"/\s*1k|per\s+1k|thousand", h) else "$")
    if re.fullmatch(r"(?:out|output)\s*(?:\$|price|cost|usd).*|\$\s*(?:out|output)\b.*", h.strip()):
        return ("price_output", "1K" if re.search(r"/\s*1k|per\s+1k|thousand", h) else "$")
    if h.strip() in ("size", "model size"):
        return ("parameters_total", None)
    if "context" in h:
        return ("context_window", None)
    if "input" in h and ("$" in h or "pric" in h or "cost" in h or "/1m" in h or "per" in h):
        return ("price_input", "1K" if re.search(r"/\s*1k|per\s+1k|thousand", h) else None)
    if "output" in h and ("$" in h or "pric" in h or "cost" in h or "/1m" in h or "per" in h):
        return ("price_output", "1K" if re.search(r"/\s*1k|per\s+1k|thousand", h) else None)
    if "licen" in h:
        return ("license", None)
    if re.search(r"\brelease(?:d|\s+date)?\b|\blaunch(?:ed|\s+date)?\b", h):
        return ("release_date", None)
    bm = R.BENCH.search(header)
    if bm and benchmark_name(bm):
        return ("benchmark", benchmark_name(bm))
    return None


def _pipe_table(doc: Doc, block: list[tuple[int, int]]) -> list[Found]:
    text = doc.text
    rows = [(s, e) for s, e in block if not re.fullmatch(r"[\s|:\-]+", text[s:e])]
    if len(rows) < 2:
        return []
    header_cells = _cells(text, *rows[0])
    header = [text[a:b] for a, b in header_cells]
    attrs = [column_attr(h) for h in header]
    out: list[Found] = []
    # Transposed tables: models across the header, one attribute (or benchmark) per row.
    col_models: list[ModelMention | str | None] = [
        next((m for m in doc.mentions if a <= m.start < b), None) for a, b in header_cells
    ]
    subject = section_subject(doc, rows[0][0]) if not any(col_models[1:]) else None
    if subject is not None:
        # "Item | E2B Variant | E4B Variant": variant codes of the section's model across the header
        codes = [_VARIANT_CELL.fullmatch(h.strip()) for h in header[1:]]
        if len(codes) >= 2 and all(codes):
            family = subject.family or subject.canonical
            col_models = [None, *(f"{family}-{c.group('code')}" for c in codes if c)]
    if sum(m is not None for m in col_models[1:]) >= 1 and col_models[0] is None:
        for s, e in rows[1:]:
            cells = _cells(text, s, e)
            if len(cells) < 2:
                continue
            row_attr = column_attr(text[cells[0][0] : cells[0][1]])
            if row_attr is None:
                continue
            for j, (a, b) in enumerate(cells[1:], start=1):
                model = col_models[j] if j < len(col_models) else None
                value = cell_value(row_attr, text[a:b]) if model is not None else None
                if model is not None and value is not None:
                    name = row_attr[1] if row_attr[0] == "benchmark" else None
                    out.append(Found(row_attr[0], value, cells[0][0], b, [model], name=name))
        return out
    for s, e in rows[1:]:
        cells = _cells(text, s, e)
        if not cells:
            continue
        ms = [m for m in doc.mentions if cells[0][0] <= m.start < cells[0][1]]
        if not ms:
            continue
        model = ms[0]
        for j, (a, b) in enumerate(cells[1:], start=1):
            if j >= len(attrs) or attrs[j] is None:
                continue
            attr, extra = attrs[j]  # type: ignore[misc]
            value = cell_value((attr, extra), text[a:b])
            if value is None:
                continue
            out.append(
                Found(attr, value, model.start, b, [model], name=extra if attr == "benchmark" else None)
            )
    return out


_VARIANT_CELL = re.compile(
    r"(?P<code>[A-Z]\d+[A-Z]?|\d+(?:\.\d+)?[BM])(?:\s+(?:[Vv]ariant|[Vv]ersion|[Mm]odel|[Ee]dition))?"
)


# "Context window: 128K tokens", "- **AIME 2025**: 94.6%", "| Input | $0.30 |": one fact per line about the section's model
_KV_LINE = re.compile(
    r"^[ \t]*(?:[-*•+]\s+)?(?:\*\*|__)?(?P<key>[^:|\n*_]{2,60}?)(?:\*\*|__)?\s*[:：]\s*(?:\*\*|__)?[ \t]*(?P<val>[^\n]{1,160})$",
    re.MULTILINE,
)
_KV_STACKED = re.compile(
    r"^[ \t]*(?P<key>[A-Z][A-Za-z ()/$.]{2,30}?)[ \t]*\n[ \t]*(?P<val>[^\n]{1,80})$", re.MULTILINE
)
_DOTTED_LINE = re.compile(r"^[^\n]*\s·\s[^\n]*$", re.MULTILINE)
_LICENSE_ITEM = re.compile(r"(?:[A-Z][\w.-]*\s+){0,4}(?:License|Licence)(?:\s+v?\d+(?:\.\d+)?)?")


def _dotted_licenses(doc: Doc) -> list[Found]:
    """A model card's meta line ("Source-available Zhipu AI · 2024-06-05 · GLM-4 Model License"): its license."""
    out: list[Found] = []
    for line in _DOTTED_LINE.finditer(doc.text):
        pos = line.start()
        for item in line.group(0).split("·"):
            start = pos + len(item) - len(item.lstrip())
            pos += len(item) + 1
            m = _LICENSE_ITEM.fullmatch(item.strip())
            model = section_subject(doc, line.start()) if m else None
            name = norm_license(item.strip()) if m else None
            if model is not None and name:
                out.append(Found("license", name, start, start + len(item.strip()), [model]))
    return out


_KV_GLUED_DATE = re.compile(
    r"^[ \t]*(?P<key>Released|Release\s+date|Launched|Launch\s+date)(?P<val>(?:19|20)\d\d-[01]\d-[0-3]\d)[ \t]*$",
    re.MULTILINE | re.IGNORECASE,
)
_KV_PIPE = re.compile(
    # "| Key | Value |", or scraped without its outer left pipe: "Parameter Count | 7.27B |"
    r"^[ \t]*(?:\|\s*)?(?P<key>[^|\n]{2,60}?)\s*\|\s*(?P<val>[^|\n]{1,160}?)\s*\|[ \t]*$",
    re.MULTILINE,
)


# Keys that are labels, not benchmark names
_NOT_BENCH_KEY = re.compile(
    r"\b(?:price|pricing|cost|input|output|context|token|release|launch|date|license|licen[cs]e|param|size|developer|"
    r"provider|creator|family|version|type|id|modalit|cutoff|speed|latency|throughput|rate|limit|average|overall|"
    r"total|score|rank|elo|votes|users|downloads|memory|vram|gpu|hardware|status|availability|open|weights|"
    r"architecture|layers|experts|vocab|languages?|year|org|company|lab|country|website|paper|blog|discount|"
    r"share|growth|revenue|valuation|funding|employees|founded|headquarters|ceo|updated|last|published|author|"
    r"views|likes|stars|forks|citations|page|time|duration|length|posted|read|dimensions?|seats?|tier|limits?)\b",
    re.IGNORECASE,
)
_BENCH_KEY = re.compile(r"[A-Z][\w.+-]*(?:[ -][\w.+-]+){0,4}")
_KV_SCORE = re.compile(r"\**(?P<score>\d{1,4}(?:\.\d+)?)\s?(?P<pct>%|percent)?(?![\d,.]*\d)")


_NOT_AN_ORG = frozenset(
    [
        "n/a",
        "na",
        "none",
        "unknown",
        "undisclosed",
        "not",
        "various",
        "multiple",
        "tbd",
        "tba",
        "the",
        "a",
        "an",
    ]
)


def _kv_value(attr: str, extra: str | None, val: str) -> tuple[int | float | str, int] | None:
    """The value of a "key: value" pair for its attribute, and where it ends inside `val`."""
    if attr in ("parameters_total", "parameters_active"):
        m = re.match(r"~?\s*(\d+(?:\.\d+)?)\s*(trillion|billion|T|B)\b", val, re.I)
        if m and re.match(r"\s*(?:,|and\b|or\b)\s*\d", val[m.end() :]):
            return None  # "Sizes: 3B, 7B, 32B and 72B": the sizes of a family, not one model's count
        return (magnitude(m.group(1), m.group(2)), m.end()) if m else None
    if attr == "context_window":
        m = re.match(r"~?\s*(\d[\d,]*(?:\.\d+)?)\s*(M|K|k|million)?(?:\s*tokens?)?\b", val, re.I)
        if not m:
            return None
        value = magnitude(m.group(1), m.group(2))
        return (value, m.end()) if 1000 <= value <= 1e8 else None
    if attr in ("price_input", "price_output"):
        m = re.match(
            r"\$\s?(\d+(?:\.\d+)?)(?:\s*(?:/|per)\s*(?:1\s?)?(?P<unit>K|M|MTok|million|thousand)\b)?",
            val,
            re.I,
        )
        if not m:
            return None
        unit = "1K" if extra == "1K" or (m.group("unit") or "").lower() in ("k", "thousand") else "1M"
        return per_million(m.group(1), unit), m.end()
    if attr == "release_date":
        return leading_date(val)
    if attr == "license":
        m = R.LICENSE_SHORT.match(val + " license") or re.match(r"(?:MIT|Apache[\s-]?2(?:\.0)?)\b", val)
        if m:
            name = norm_license(m.group("lic") if "lic" in m.groupdict() else m.group(0))
            return (name, min(len(val), m.end())) if name else None
        m = re.match(r"[A-Z][\w.\- ]{2,40}?(?:License|Licence|Terms of Use)\b", val)
        return (m.group(0), m.end()) if m else None
    if attr == "developer":
        m = re.match(r"\[*(?P<org>[A-Za-z][\w.&-]*(?:[ \t]+[A-Z][\w.&-]*){0,3})", val)
        if not m or m.group("org").lower() in _NOT_AN_ORG:
            return None
        return canonical_org(m.group("org")), m.end()
    if attr == "benchmark":
        m = _KV_SCORE.match(val)
        if not m or (
            m.group("pct") is None and "." not in m.group("score") and len(val.strip()) > len(m.group(0)) + 12
        ):
            return None
        value = tidy(float(m.group("score")))
        if re.match(
            r"\s*(?:improvement|better|higher|lower|gain|increase|more|faster|cheaper|over|than|of\b)",
            val[m.end() :],
        ):
            return None  # "15% improvement over Sonnet 4.5": a relative gain, not a score
        return (value, m.end()) if value <= 3000 else None
    return None


def _key_attr(key: str, val: str) -> tuple[str, str | None] | None:
    attr = column_attr(key)
    low = key.lower().strip()
    if (
        attr is None
        and val.lstrip().startswith("$")
        and re.fullmatch(r"(?:input|output|prompt|completion)(?:\s+tokens?)?", low)
    ):
        return ("price_input" if low.startswith(("input", "prompt")) else "price_output", None)
    if attr is None and re.fullmatch(
        r"(?:total\s+)?context(?:\s+(?:window|length|size))?|max(?:imum)?\s+context.*", low
    ):
        return ("context_window", None)
    if attr is None and re.fullmatch(
        r"provider|developed\s+by|made\s+by|built\s+by|created\s+by|released\s+by|publisher|vendor|organi[sz]ation",
        low,
    ):
        return ("developer", None)
    return attr


def find_key_values(doc: Doc) -> list[Found]:
    """Facts written as "key: value" lines or two-cell table rows."""
    text = doc.text
    out: list[Found] = []
    pairs = [(m, "line") for m in _KV_LINE.finditer(text)] + [(m, "pipe") for m in _KV_PIPE.finditer(text)]
    # a label on its own line and its value on the next ("Release Date\nAugust 23, 2024"): labels we know only
    pairs += [(m, "stacked") for m in _KV_STACKED.finditer(text) if _key_attr(m.group("key"), m.group("val"))]
    # a scraped infobox glues its label to a date ("Released2025-01-26"): release labels only
    pairs += [(m, "glued") for m in _KV_GLUED_DATE.finditer(text)]
    out += _dotted_licenses(doc)
    for m, _kind in pairs:
        key, val = m.group("key").strip(), m.group("val")
        if R.FANOUT.search(val):
            continue  # "Context: 64K tokens for both models": the prose rules fan it out
        if not key or re.fullmatch(r"[\s\-:|]+", val):
            continue
        ks, ke = m.start("key"), m.end("key")
        in_key = [x for x in doc.mentions if ks <= x.start < ke]
        bench_name: str | None = None
        attr_extra = _key_attr(key, val)
        if attr_extra and attr_extra[0] == "benchmark" and attr_extra[1]:
            version = re.search(r"\s(v\d+(?:\.\d+)?|Level\s\d+|(?:19|20)\d\d)\b", key)
            if version and version.group(1) not in attr_extra[1]:
                attr_extra = ("benchmark", f"{attr_extra[1]} {version.group(1)}")  # "LiveCodeBench v6"
        if in_key:
            rest = text[in_key[0].end : ke]
            bm = R.BENCH.search(rest)
            if bm and benchmark_name(bm):
                attr_extra = ("benchmark", benchmark_name(bm))
        if attr_extra is None:
            bm = R.BENCH.match(key)
            if bm and benchmark_name(bm) and bm.end() >= len(key) - 14:
                bench_name = benchmark_name(bm)
                tail = re.match(r"\s+(v\d+(?:\.\d+)?)\b", key[bm.end() :])
                bench_name = f"{bench_name} {tail.group(1)}" if tail and bench_name else bench_name
            elif (
                _BENCH_KEY.fullmatch(key)
                and not _NOT_BENCH_KEY.search(key)
                and not in_key
                and len(key) <= 40
                and not doc.in_mention(ks, ke)
            ):
                bench_name = re.sub(r"\s*\([^)]*\)\s*$", "", key).strip()
            if bench_name:
                attr_extra = ("benchmark", bench_name)
        if attr_extra is None:
            continue
        attr, extra = attr_extra
        vs = m.start("val")
        found = _kv_value(attr, extra if attr != "benchmark" else None, val)
        if found is None:
            continue
        value, vlen = found
        if attr == "benchmark":
            bench_name = extra if (in_key and extra) or bench_name is None else bench_name
            if isinstance(value, int) and 1900 <= value <= 2100:
                continue  # a year
        if doc.in_mention(vs, vs + vlen) and attr == "license":
            continue
        model = in_key[0] if in_key else section_subject(doc, m.start())
        if model is None:
            continue
        out.append(
            Found(attr, value, ks, vs + vlen, [model], name=bench_name if attr == "benchmark" else None)
        )
    return out
