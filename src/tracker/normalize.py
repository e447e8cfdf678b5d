"""When two values of one attribute say the same thing: normalization and the agreement rules.

Pure: numbers within the attribute's tolerance, dates at different granularity, one developer, license
or chip spelled differently (the rule and tolerance are the attribute's spec in tracker.attributes; the
words are tracker.vocab's).
"""

from __future__ import annotations

import re

from .attributes import SPECS
from .records import ClaimValue
from .units import as_number
from .vocab import CHIP_VENDORS, DEVELOPER_ALIASES

LICENSE_ALIASES = {
    "mitlicense": "mit",
    "apache2": "apache20",
    "apachelicense20": "apache20",
    "apachelicense2": "apache20",
    "apachelicenseversion20": "apache20",
}
_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")


def _alnum(text: object) -> str:
    return re.sub(r"[^a-z0-9]", "", str(text).lower())


def norm_text(value: object) -> str:
    """Text values compared loosely: lower-case alphanumerics, a leading vendor word dropped."""
    words = re.findall(r"[a-z0-9.]+", str(value).lower())
    if len(words) > 1 and words[0] in CHIP_VENDORS:
        words = words[1:]
    text = "".join(words).replace(".", "")
    return LICENSE_ALIASES.get(text, text)


def norm_license(value: object) -> str:
    text = norm_text(value)
    if text.endswith("license") and len(text) > len("license"):
        text = LICENSE_ALIASES.get(text[: -len("license")], text[: -len("license")])
    return LICENSE_ALIASES.get(text, text)


def norm_developer(value: object) -> str:
    """`Mistral AI` = `Mistral`, `Google DeepMind` = `Google`, `Z.ai` = `Zhipu`, `Meta Inc.` = `Meta`."""
    text = _alnum(value)
    text = re.sub(r"(inc|corp|corporation|labs|ltd|llc|co)$", "", text) or text
    text = DEVELOPER_ALIASES.get(text, text)
    if text.endswith("ai") and len(text) > 4 and text[:-2] in DEVELOPER_ALIASES.values():
        text = text[:-2]
    return text


def hardware_tokens(value: object) -> list[str]:
    """`Nvidia H100 SXM` -> ['h100', 'sxm']: the chip name without the vendor word."""
    words = re.findall(r"[a-z0-9.]+", str(value).lower())
    if len(words) > 1 and words[0] in CHIP_VENDORS:
        words = words[1:]
    return words


def parse_date(value: object) -> tuple[int, ...] | None:
    """'2026-04-24' -> (2026, 4, 24); '2026-04' -> (2026, 4); '2026' -> (2026,); else None."""
    m = _DATE_RE.match(str(value).strip())
    if not m:
        return None
    return tuple(int(g) for g in m.groups() if g is not None)


def agreement_rule(attribute: str) -> str:
    """The attribute's agreement rule (tracker.attributes): number, date, developer, license or chip."""
    spec = SPECS.get(attribute)
    return spec.agreement if spec else "number"


def values_agree(attribute: str, a: ClaimValue, b: ClaimValue) -> bool:
    """Whether two values of one attribute say the same thing: by the attribute's agreement rule (dates at
    different granularity, spellings of one developer, license or chip) or, for numbers, its tolerance."""
    spec = SPECS.get(attribute)
    rule = agreement_rule(attribute)
    if rule == "date":
        da, db = parse_date(a), parse_date(b)
        if da is None or db is None:
            return norm_text(a) == norm_text(b)
        n = min(len(da), len(db))
        return da[:n] == db[:n]
    if rule == "developer":
        return norm_developer(a) == norm_developer(b)
    if rule == "license":
        return norm_license(a) == norm_license(b)
    if rule == "chip":
        ta, tb = hardware_tokens(a), hardware_tokens(b)
        n = min(len(ta), len(tb))
        # "Ascend" and "Ascend 910C" name one family with more or less detail.
        return n > 0 and ta[:n] == tb[:n]
    na, nb = as_number(a), as_number(b)
    if na is None or nb is None:
        return norm_text(a) == norm_text(b)
    tolerance = spec.tolerance if spec else 0.01
    if spec is not None and spec.unit == "score":
        return abs(na - nb) <= tolerance  # score points, not a share
    if abs(na - nb) <= tolerance * max(abs(na), abs(nb), 1e-12):
        return True
    if spec is not None and spec.unit == "tokens" and min(na, nb) > 0:
        # "1M tokens" and 1,048,576 (2^20) are one window in decimal and binary units.
        ratio = max(na, nb) / min(na, nb)
        return abs(ratio - 1.024**2) <= tolerance
    return False


def specificity(attribute: str, value: ClaimValue) -> int:
    """How much detail a value carries (a day beats a month; 'Ascend 910C' beats 'Ascend')."""
    rule = agreement_rule(attribute)
    if rule == "date":
        parsed = parse_date(value)
        return len(parsed) if parsed else 0
    if rule == "chip":
        return len(hardware_tokens(value))
    return 0


def benchmark_key(name: str | None) -> str:
    return norm_text(name or "")
