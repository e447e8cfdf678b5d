"""Tables whose cells a page scraper glued together, one row a line, with no separator left.

Two orientations, both read from what the article itself says:
- models as columns: "ModelsAcme-1BAcme-7B" (names the article uses elsewhere, side by side), then rows
  "Context Length32K128K" (a column label, then exactly one value with a unit per model);
- models as rows: a header "Model#Total ParamsContext Length" (labels glued at a case change), then
  rows "Acme-Coder-Base16B128k" (a model name, then one value with a unit per numeric column).
A value is only read when it carries a unit (16B, 2.4B, 128k): without one, glued digits cannot be split.
"""

from __future__ import annotations

import re

from .document import Doc, Found
from .mentions import canonical_model_name

# one glued value: a number and its unit letter ("57.41B", "128k", "0.49M")
_GLUED_VALUE = re.compile(r"\d+(?:\.\d+)?[KMBTk](?![a-z])")
# a header's labels glued at a case change or a '#': "Model#Total Params#Active ParamsContext Length"
_LABEL_CUT = re.compile(r"(?<=[a-z])(?=[A-Z#])|(?<=\w)(?=#)")
_MODEL_LABEL = re.compile(r"(?:#\s*)?(?:models?|model\s+name)\s*", re.IGNORECASE)
_NUMERIC = ("parameters_total", "parameters_active", "context_window")


def find_glued_tables(doc: Doc, lines: list[tuple[int, int]]) -> list[Found]:
    from .structure import cell_value, column_attr

    text = doc.text
    out: list[Found] = []
    # both orientations open with a "Model" label line: no such line, no glued table (and no regex to build)
    heads = [i for i, (s, e) in enumerate(lines) if _MODEL_LABEL.match(text, s, e)]
    if not heads:
        return out
    surfaces = sorted({text[m.start : m.end] for m in doc.mentions if m.kind != "reference"}, key=len)
    if not surfaces:
        return out
    canonical = {text[m.start : m.end]: m.canonical for m in doc.mentions}
    names = re.compile("|".join(re.escape(s) for s in reversed(surfaces)))  # longest first
    for i in heads:
        s, e = lines[i]
        line = text[s:e]
        # models as columns: the label, then two or more of the article's names side by side
        label = _MODEL_LABEL.match(line)
        columns = _tiled(names, line, label.end()) if label else []
        if len(columns) >= 2:
            for rs, re_ in lines[i + 1 : i + 16]:
                row = text[rs:re_]
                first = re.search(r"\d", row)
                if first is None or first.start() == 0:
                    continue
                attr_extra = column_attr(row[: first.start()].strip())
                values = list(_GLUED_VALUE.finditer(row, first.start()))
                if attr_extra is None or attr_extra[0] not in _NUMERIC or len(values) != len(columns):
                    continue
                if "".join(v.group(0) for v in values) != row[first.start() :].strip():
                    continue
                for surface, v in zip(columns, values, strict=True):
                    value = cell_value(attr_extra, v.group(0))
                    if value is not None and _plausible(attr_extra[0], value):
                        out.append(Found(attr_extra[0], value, rs, rs + v.end(), [canonical[surface]]))
            continue
        # models as rows: a glued header of labels, then one row a line
        if not _MODEL_LABEL.match(line) or re.search(r"\d", line):
            continue
        labels = [x.strip() for x in _LABEL_CUT.split(line) if x.strip()]
        attrs = [column_attr(x) for x in labels[1:]]
        numeric = 0
        while numeric < len(attrs) and attrs[numeric] is not None and attrs[numeric][0] in _NUMERIC:  # type: ignore[index]
            numeric += 1
        if len(labels) < 3 or numeric == 0:
            continue
        row_form = re.compile(rf"(?P<name>\S.*?)(?P<values>(?:{_GLUED_VALUE.pattern}){{{numeric}}})(?![\d.])")
        for rs, re_ in lines[i + 1 : i + 40]:
            m = row_form.match(text, rs, re_)
            if m is None:
                break
            model = canonical_model_name(m.group("name"))
            if model is None or not names.match(m.group("name")):
                break  # a row names one of the article's models ("Acme-Coder-V2-Lite" by "Acme-Coder-V2")
            for attr_extra, v in zip(
                attrs, _GLUED_VALUE.finditer(text, m.start("values"), m.end()), strict=False
            ):
                value = cell_value(attr_extra, v.group(0))  # type: ignore[arg-type]
                if attr_extra is not None and value is not None and _plausible(attr_extra[0], value):
                    out.append(Found(attr_extra[0], value, rs, v.end(), [model]))
    return out


def _tiled(names: re.Pattern[str], line: str, pos: int) -> list[str]:
    """The names that cover line[pos:] exactly, one after another, or [] when they do not."""
    out: list[str] = []
    while pos < len(line):
        m = names.match(line, pos)
        if m is None:
            return [] if line[pos:].strip() else out
        out.append(m.group(0))
        pos = m.end()
    return out


def _plausible(attr: str, value: int | float | str) -> bool:
    """Parameters of at least 100M, a context of at least 1K tokens: smaller figures are other columns."""
    if not isinstance(value, int | float):
        return False
    return value >= (1e8 if attr.startswith("parameters") else 1000)
