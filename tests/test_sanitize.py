"""The one sanitizer for text from strangers printed to a terminal or written into Markdown."""

from __future__ import annotations

import pytest

from tracker.sanitize import safe_text


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("ok\x1b[31mred\x1b[0m", "okred"),  # colour codes vanish whole, no "[31m" left behind
        ("a\x1b]0;new title\x07b", "ab"),  # OSC: would retitle the terminal window
        ("a\x1b]8;;http://x\x1b\\link", "alink"),  # OSC hyperlink ended by ST
        ("\u202eevil\u202c \u2067iso\u2069 \u200emark", "evil iso mark"),  # bidi overrides, isolates, marks
        ("one\ntwo\tthree\r\nfour\u2028five\x85six", "one two three four five six"),  # breaks become spaces
        ("glued\x00\x07\x7f\x9btogether", "gluedtogether"),  # other controls are dropped
        ("  lots   of\u00a0 space  ", "lots of space"),
        ("DeepSeek-V3 — 671B, 日本語", "DeepSeek-V3 — 671B, 日本語"),  # ordinary text is untouched
        (42, "42"),
    ],
)
def test_safe_text(raw: object, clean: str) -> None:
    assert safe_text(raw) == clean


def test_every_renderer_uses_the_one_sanitizer() -> None:
    from tracker import cli, digest, nightly, render
    from tracker.render import markdown, terminal

    assert render.safe_text is safe_text and digest.safe_text is safe_text and cli._safe is safe_text
    assert terminal.safe_text is safe_text and markdown.safe_text is safe_text
    assert "clean_text" not in vars(digest) and "safe_text" not in vars(nightly)  # nightly imports on use
