"""Text from strangers made safe for one line of terminal or Markdown output, defined once.

Feeds and pages are written by strangers: a title may carry terminal escape sequences (which could
retitle the window or hide text), control characters, or bidi overrides and isolates (which make a
line read differently from what it holds). Every renderer (cli, ask, conflicts, summary, digest,
nightly log) passes such text through `safe_text` before it prints or writes it.
"""

from __future__ import annotations

import re
import unicodedata

# CSI sequences (colours, cursor moves), OSC sequences (window title, hyperlinks) and two-byte escapes.
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]")
_BIDI = frozenset(chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C))
# Control characters that separate words: they become a space rather than gluing two words together.
_BREAKS = frozenset("\t\n\r\x0b\x0c\x85\u2028\u2029")


def safe_text(value: object) -> str:
    """One line of plain text: escape sequences, control and bidi characters dropped, whitespace collapsed."""
    out = []
    for ch in _ANSI.sub("", str(value)):
        if ch in _BIDI:
            continue
        cat = unicodedata.category(ch)
        if cat == "Cc" or cat in ("Zl", "Zp"):
            out.append(" " if ch in _BREAKS else "")
        else:
            out.append(ch)
    return " ".join("".join(out).split())
