"""Candidates for hardware, with the role (training / inference / unspecified) from its cue."""

from __future__ import annotations

import re

from ..vocab import ROLE_RANK  # noqa: F401 - finalize reads it here
from . import rules as R
from .document import HARDWARE_KEY, Doc, Found, Sentence, scan
from .linking import pick
from .names import NOT_BRANDS


def _chip_name(raw: str) -> str:
    chip = " ".join(raw.split())
    m = re.fullmatch(r"TPU\s?v?(\d[a-z]?)", chip, re.I)
    if m:
        return f"TPU v{m.group(1).lower()}"  # "TPU 4" is the fourth generation, "TPU v4"
    if chip.upper() == "TPUS":
        return "TPU"
    return chip


def _role(doc: Doc, s: int, e: int, sent: Sentence) -> str:
    """Role from the nearest cue before the chip ("trained on", "runs on", "optimized for"), else after."""
    text = doc.text
    lo, hi = max(sent.start, s - 120), min(sent.end, e + 60)
    cues = [(m.start(), role) for pattern, role in _ROLE_CUES for m in pattern.finditer(text, lo, hi)]
    before = [c for c in cues if c[0] < s]
    if before:
        return max(before)[1]
    after = [c for c in cues if c[0] >= e]
    return min(after)[1] if after else "unspecified"


_ROLE_CUES = [
    (R.ROLE_TRAINING, "training"),
    (R.ROLE_INFERENCE, "inference"),
    (R.ROLE_UNSPECIFIED, "unspecified"),
]


def find_hardware(doc: Doc) -> list[Found]:
    text = doc.text
    out: list[Found] = []
    has_chip_family = {"Ascend": "Ascend" in text, "TPU": "TPU" in text}
    known: list[tuple[int, int]] = []  # spans of the chips the table knows
    for m in R.CHIP.finditer(text):
        known.append((m.start(), m.end()))
        chip = _chip_name(m.group("chip"))
        if chip.startswith("Ascend") and chip == "Ascend":
            series = R.ASCEND_SERIES.search(text, m.end(), min(len(text), m.end() + 80))
            if series:
                chip = f"Ascend {series.group('num')}"
        chips = [(chip, m.start(), m.end())]
        tail_pos = m.end()
        while True:
            t = R.CHIP_TAIL.match(text, tail_pos)
            if not t:
                break
            extra = t.group("chip")
            if re.fullmatch(r"v\d[a-z]?", extra, re.I) and chip.startswith("TPU"):
                extra = f"TPU {extra.lower()}"
            chips.append((extra, t.start("chip"), t.end()))
            tail_pos = t.end()
        sent = doc.sentence_of(m.start())
        role = _role(doc, m.start(), m.end(), sent)
        pronoun = bool(
            R.PRONOUN_START.match(text, sent.start)
            or R.SUBJECTLESS_START.match(text, sent.start)
            or R.ANAPHOR.search(text, sent.start, m.start())
        )
        targets = pick(doc, m.start(), m.end(), allow_topic=pronoun, max_gap=300)
        for name, s, e in chips:
            if targets:
                out.append(Found("hardware", name, s, e, targets, role=role))
    for m in scan(doc, R.OPEN_CHIP, HARDWARE_KEY):
        chip, s, e = m.group("chip"), m.start("chip"), m.end("chip")
        if any(a < e and s < b for a, b in known) or doc.in_mention(s, e):
            continue
        if not (re.search(r"\d", chip) or m.group("noun")) or chip.split()[0].lower() in NOT_BRANDS:
            continue
        if re.match(
            r"\s+(?:cluster|supercomputer|data\s+cent(?:er|re)|facility|servers?|nodes?|pods?)\b",
            text[e : e + 20],
        ):
            continue  # "the Colossus 2 cluster": a site, not an accelerator
        sent = doc.sentence_of(s)
        role = _role(doc, s, e, sent)
        pronoun = bool(
            R.PRONOUN_START.match(text, sent.start)
            or R.SUBJECTLESS_START.match(text, sent.start)
            or not sent.mentions
            or re.search(
                r"\b(?:it|they|the\s+(?:new\s+)?models?|the\s+pair|all\s+\w+)\b", text[sent.start : s], re.I
            )
        )
        targets = pick(doc, s, e, allow_topic=pronoun, max_gap=300)
        if targets:
            out.append(Found("hardware", chip, s, e, targets, role=role))
    # Vendor-only training statements ("trained on Huawei hardware") name the vendor's chip family.
    for m in R.VENDOR_HW.finditer(text):
        sent = doc.sentence_of(m.start())
        sentence = text[sent.start : sent.end]
        if not R.ROLE_TRAINING.search(sentence):
            continue
        vendor = m.group("vendor")
        if vendor is None:
            vm = re.search(r"\b(Huawei|Google)\b", text[sent.start : m.start()])
            vendor = vm.group(1) if vm else None
        if vendor is None:
            continue
        family = R.VENDOR_CHIP[vendor.lower()]
        if not has_chip_family.get(family):
            continue
        targets = pick(doc, m.start(), m.end(), allow_topic=False, max_gap=300)
        if targets:
            out.append(Found("hardware", family, m.start(), m.end(), targets, role="training"))
    return out
