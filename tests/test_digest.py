"""The digest: structure (parsed with markdown-it-py), links, determinism, empty periods, hostile text.

The store is built from our own invented launches: a known model (Orca-2X) that changes price, context
and gets a real release date in the period, two new models (one with sources that disagree), and an
article whose title and URL are hostile.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

from tracker.digest import format_value, md_text, render_digest, safe_url, write_digest
from tracker.records import Article, Claim
from tracker.store import Store

SINCE = datetime(2026, 11, 10, tzinfo=UTC)
UNTIL = datetime(2026, 11, 17, tzinfo=UTC)
HOSTILE_TITLE = (
    "<script>alert(1)</script> **Bold** [click](javascript:alert(1)) \x1b[31mred\x1b[0m | pipe\nnewline"
)

# (url, title, source, published, [(model, attribute, value, extra, sentence)])
ARTICLES: list[tuple[str, str, str, datetime, list[tuple[str, str, Any, dict[str, Any], str]]]] = [
    (
        "https://news.example.com/orca-preview",
        "Aquatic Labs previews Orca-2X",
        "Example News",
        datetime(2026, 10, 2, 9, tzinfo=UTC),
        [
            ("Orca-2X", "developer", "Aquatic Labs", {}, "Orca-2X is built by Aquatic Labs."),
            ("Orca-2X", "price_input", 3.0, {}, "Orca-2X costs $3 per million input tokens."),
            ("Orca-2X", "context_window", 128000, {}, "Orca-2X reads 128K tokens at once."),
            (
                "Orca-2X",
                "release_date",
                "2026-12",
                {"status": "expected"},
                "Orca-2X should ship in December.",
            ),
        ],
    ),
    (
        "https://news.example.com/orca-launch",
        "Orca-2X is out, cheaper and with a longer memory",
        "Example News",
        datetime(2026, 11, 12, 15, tzinfo=UTC),
        [
            ("Orca-2X", "price_input", 2.5, {}, "Orca-2X now costs $2.50 per million input tokens."),
            ("Orca-2X", "context_window", 1000000, {}, "Orca-2X now reads 1M tokens."),
            ("Orca-2X", "release_date", "2026-11-12", {}, "Orca-2X launched on November 12, 2026."),
        ],
    ),
    (
        "https://blog.windmill.example/zephyrine-7",
        "Introducing Zephyrine-7",
        "Windmill Blog",
        datetime(2026, 11, 11, 8, tzinfo=UTC),
        [
            ("Zephyrine-7", "developer", "Windmill AI", {}, "Zephyrine-7 comes from Windmill AI."),
            ("Zephyrine-7", "parameters_total", 1.6e12, {}, "Zephyrine-7 has 1.6 trillion parameters."),
            ("Zephyrine-7", "parameters_active", 3.2e10, {}, "Zephyrine-7 activates 32 billion per token."),
            ("Zephyrine-7", "context_window", 256000, {}, "Zephyrine-7 handles 256K tokens."),
            ("Zephyrine-7", "price_input", 0.6, {}, "Zephyrine-7 input is $0.60 per million tokens."),
            ("Zephyrine-7", "price_output", 2.5, {}, "Zephyrine-7 output is $2.50 per million tokens."),
            (
                "Zephyrine-7",
                "hardware",
                "H800",
                {"role": "training"},
                "Zephyrine-7 was trained on H800 chips.",
            ),
            ("Zephyrine-7", "release_date", "2026-11-11", {}, "Zephyrine-7 was released on November 11."),
            ("Zephyrine-7", "license", "MIT", {}, "Zephyrine-7 weights use the MIT license."),
            ("Zephyrine-7", "benchmark", 88.1, {"name": "MMLU"}, "Zephyrine-7 scores 88.1 on MMLU."),
            (
                "Zephyrine-7",
                "benchmark",
                71.2,
                {"name": "SWE-bench Verified"},
                "It reaches 71.2 on SWE-bench.",
            ),
        ],
    ),
    (
        "https://tech.example.org/zephyrine-rumour",
        "Zephyrine-7 is smaller than you think, says insider",
        "Tech Example",
        datetime(2026, 11, 13, 10, tzinfo=UTC),
        [
            (
                "Zephyrine-7",
                "parameters_total",
                1e12,
                {},
                "An insider puts Zephyrine-7 at one trillion parameters.",
            ),
            ("Tiny-Q-3B", "parameters_total", 3e9, {}, "Tiny-Q-3B has 3 billion parameters."),
            ("Tiny-Q-3B", "price_input", 0.05, {}, "Tiny-Q-3B costs five cents per million input tokens."),
            ("Tiny-Q-3B", "license", "Apache-2.0", {}, "Tiny-Q-3B is Apache-2.0 licensed."),
            ("Tiny-Q-3B", "context_window", 8000, {}, "Tiny-Q-3B reads 8K tokens."),
            ("Tiny-Q-3B", "context_window", 32000, {}, "Its long variant Tiny-Q-3B reads 32K tokens."),
        ],
    ),
    (
        "javascript:alert(1)",
        HOSTILE_TITLE,
        "Evil <b>Site</b>",
        datetime(2026, 11, 14, 10, tzinfo=UTC),
        [
            ("Grim*Model_[1]", "context_window", 48000, {}, "Grim*Model_[1] reads 48K tokens."),
        ],
    ),
    (
        "https://news.example.com/next-week",
        "Outside the period",
        "Example News",
        datetime(2026, 11, 20, tzinfo=UTC),
        [("Later-1", "price_input", 9.0, {}, "Later-1 costs $9 per million input tokens.")],
    ),
]


def build_store(path: Path) -> Store:
    """A store holding ARTICLES, each article's text made of its claim sentences (exact offsets)."""
    store = Store(path)
    for url, title, source, published, claims in ARTICLES:
        text = " ".join(c[4] for c in claims)
        records = []
        for model, attribute, value, extra, sentence in claims:
            start = text.index(sentence)
            records.append(
                Claim(
                    model=model,
                    attribute=attribute,
                    value=value,
                    evidence=sentence,  # type: ignore[arg-type]
                    start=start,
                    end=start + len(sentence),
                    **extra,
                )
            )
        article = Article(
            url=url,
            canonical_url=url,
            title=title,
            source=source,
            published=published,
            text=text,
            content_hash=str(abs(hash(url))),
        )
        store.add_article(article, records)
    return store


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = build_store(tmp_path / "tracker.db")
    yield s
    s.close()


def _walk(tokens: list[Token]) -> Iterator[Token]:
    for t in tokens:
        yield t
        if t.children:
            yield from _walk(t.children)


def _parse(markdown: str) -> list[Token]:
    return MarkdownIt("gfm-like", {"linkify": False}).parse(markdown)


def _sections(tokens: list[Token]) -> dict[str, list[Token]]:
    """Tokens under each level-2 heading."""
    out: dict[str, list[Token]] = {}
    current = "_top"
    for i, t in enumerate(tokens):
        if t.type == "heading_open" and t.tag == "h2":
            current = tokens[i + 1].content
            out[current] = []
            continue
        out.setdefault(current, []).append(t)
    return out


def _link_texts(tokens: list[Token]) -> list[str]:
    """The text of every link (rendered, escapes resolved)."""
    out = []
    for t in tokens:
        if t.type != "inline" or not t.children:
            continue
        parts: list[str] | None = None
        for c in t.children:
            if c.type == "link_open":
                parts = []
            elif c.type == "link_close" and parts is not None:
                out.append("".join(parts))
                parts = None
            elif c.type == "text" and parts is not None:
                parts.append(c.content)
    return out


def _texts_outside_links(tokens: list[Token]) -> list[str]:
    """Plain text that is not inside a link, per inline token."""
    out = []
    for t in tokens:
        if t.type != "inline" or not t.children:
            continue
        depth, parts = 0, []
        for c in t.children:
            if c.type == "link_open":
                depth += 1
            elif c.type == "link_close":
                depth -= 1
            elif c.type == "text" and depth == 0:
                parts.append(c.content)
        out.append("".join(parts))
    return out


def test_digest_structure_links_and_figures(store: Store, tmp_path: Path) -> None:
    digest = write_digest(store, since=SINCE, until=UNTIL, out=tmp_path / "out" / "2026-11-17.md")
    md = (tmp_path / "out" / "2026-11-17.md").read_text(encoding="utf-8")
    assert md == digest.markdown
    tokens = _parse(md)
    all_tokens = list(_walk(tokens))

    # Headings: one title, then the sections this store calls for.
    h1 = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open" and t.tag == "h1"]
    assert len(h1) == 1 and "2026-11-10" in h1[0] and "2026-11-17" in h1[0]
    sections = _sections(tokens)
    names = [s.split(" (")[0] for s in sections if s != "_top"]
    assert names == [
        "New models",
        "Price vs size",
        "Changes to known models",
        "Disagreements",
        "Benchmarks",
        "Sources",
    ]

    # No raw HTML anywhere, and every link is http(s).
    assert not [t for t in all_tokens if t.type in ("html_block", "html_inline")]
    hrefs = [str(t.attrs["href"]) for t in all_tokens if t.type == "link_open"]
    assert hrefs and all(h.startswith(("https://", "http://")) for h in hrefs)
    assert not any("javascript" in h.lower() for h in hrefs)
    images = [t for t in all_tokens if t.type == "image"]
    assert [str(i.attrs["src"]) for i in images] == ["2026-11-17.png"]
    assert (tmp_path / "out" / "2026-11-17.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    # New models: the two new ones (the hostile one is new too), the most reported first; Orca is known.
    new_items = [
        t.content
        for t in sections[next(s for s in sections if s.startswith("New models"))]
        if t.type == "inline"
    ]
    joined = "\n".join(new_items)
    assert "Zephyrine-7" in joined and "Tiny-Q-3B" in joined and "Orca-2X" not in joined
    assert "Later-1" not in md  # outside the period
    # Every figure of the new models is shown inside a link, and the fact lines hold no unlinked figure.
    fact_tokens = sections[next(s for s in sections if s.startswith("New models"))]
    outside = " ".join(_texts_outside_links(fact_tokens))
    linked_texts = set(_link_texts(tokens))
    for _, _, _, published, claims in ARTICLES:
        if SINCE <= published < UNTIL:
            for model, attribute, value, _, _ in claims:
                if model in ("Zephyrine-7", "Tiny-Q-3B"):
                    figure = format_value(attribute, value)
                    assert figure in linked_texts, f"{figure} is not a link"
                    assert not re.search(rf"(?<![\w.$-]){re.escape(figure)}(?![\w.])", outside), figure

    # Changes: the new price, the new context window and the expected date that became a real one.
    changes = " ".join(
        t.content
        for t in sections[next(s for s in sections if s.startswith("Changes"))]
        if t.type == "inline"
    )
    assert "Orca-2X" in changes
    assert re.search(r"input price \[\\?\$3\]\([^)]+\) → \[\\?\$2\.50\]", changes), changes
    assert "[128K](" in changes and "[1M](" in changes
    assert "release date confirmed" not in changes  # a month then a day: a change of status and value
    assert "[2026-12](https://news.example.com/orca-preview) *(expected)* → [2026-11-12](" in changes

    # Disagreements: who says what.
    disagreements = " ".join(
        t.content
        for t in sections[next(s for s in sections if s.startswith("Disagreements"))]
        if t.type == "inline"
    )
    assert "Zephyrine-7" in disagreements and "total parameters" in disagreements
    assert "[1.6T](https://blog.windmill.example/zephyrine-7) according to Windmill Blog" in disagreements
    assert "[1T](https://tech.example.org/zephyrine-rumour) according to Tech Example" in disagreements
    # Two values in one article (a model and its long variant) are not sources disagreeing: both are shown
    # in the model's line, and it is not listed as a disagreement.
    assert "Tiny-Q-3B" not in disagreements
    assert re.search(r"\[8K\]\([^)]+\) / \[32K\]\([^)]+\) context", joined), joined

    # Benchmarks: a GFM table of at most 4 columns.
    tables = [t for t in all_tokens if t.type == "table_open"]
    assert len(tables) == 1
    header = [t for t in all_tokens if t.type == "th_open"]
    assert 2 <= len(header) <= 4
    cells = [all_tokens[i + 1].content for i, t in enumerate(all_tokens) if t.type == "td_open"]
    assert "MMLU" in cells and "[88.1](https://blog.windmill.example/zephyrine-7)" in cells

    # Sources: a numbered list of the linked articles, oldest first.
    src = sections["Sources"]
    assert any(t.type == "ordered_list_open" for t in src)
    linked = [str(t.attrs["href"]) for t in _walk(src) if t.type == "link_open"]
    assert linked == sorted(set(linked), key=linked.index)  # no duplicates
    assert (
        "https://news.example.com/orca-preview" in linked
        and "https://tech.example.org/zephyrine-rumour" in linked
    )


def test_rerun_is_byte_identical(store: Store, tmp_path: Path) -> None:
    first = write_digest(store, since=SINCE, until=UNTIL, out=tmp_path / "a" / "d.md")
    write_digest(store, since=SINCE, until=UNTIL, out=tmp_path / "b" / "d.md")
    assert first.chart_png is not None
    assert (tmp_path / "a" / "d.md").read_bytes() == (tmp_path / "b" / "d.md").read_bytes()
    assert (tmp_path / "a" / "d.png").read_bytes() == (tmp_path / "b" / "d.png").read_bytes()
    png = (tmp_path / "a" / "d.png").read_bytes()
    assert b"Software" not in png and b"matplotlib" not in png.lower()
    # No temporary files are left behind by the atomic writes.
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == ["d.md", "d.png"]
    # Rendering without a directory (stdout) gives the same text minus the chart.
    plain = render_digest(store, since=SINCE, until=UNTIL)
    assert plain.chart_png is None and "![" not in plain.markdown
    assert plain.markdown == render_digest(store, since=SINCE, until=UNTIL).markdown


def test_empty_period_says_nothing_new(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "empty.md"
    digest = write_digest(
        store, since=datetime(2025, 1, 1, tzinfo=UTC), until=datetime(2025, 1, 8, tzinfo=UTC), out=out
    )
    text = out.read_text(encoding="utf-8")
    assert digest.empty and "Nothing new" in text and text.startswith("# ")
    assert digest.chart_png is None and not (tmp_path / "empty.png").exists()


def test_chart_skipped_below_two_models(tmp_path: Path) -> None:
    with Store(tmp_path / "one.db") as store:
        text = "Solo-1 has 7 billion parameters. Solo-1 costs $1 per million input tokens."
        claims = [
            Claim(
                model="Solo-1",
                attribute="parameters_total",
                value=7e9,
                evidence="Solo-1 has 7 billion parameters.",
                start=0,
                end=32,
            ),
            Claim(
                model="Solo-1",
                attribute="price_input",
                value=1.0,
                evidence="Solo-1 costs $1",
                start=33,
                end=48,
            ),
        ]
        store.add_article(
            Article(
                url="https://x.example/solo",
                canonical_url="https://x.example/solo",
                title="Solo",
                published=datetime(2026, 11, 12, tzinfo=UTC),
                text=text,
                content_hash="h",
            ),
            claims,
        )
        digest = write_digest(store, since=SINCE, until=UNTIL, out=tmp_path / "solo.md")
    assert digest.chart_png is None and "![" not in digest.markdown and "Price vs size" not in digest.markdown
    assert not (tmp_path / "solo.png").exists()


def test_hostile_text_is_escaped(store: Store) -> None:
    md = render_digest(store, since=SINCE, until=UNTIL).markdown
    assert "\x1b" not in md and "<script>" not in md and "javascript:" not in md.replace("javascript\\:", "")
    assert all(ch in "\n" or ch >= " " for ch in md)
    tokens = list(_walk(_parse(md)))
    assert not [t for t in tokens if t.type in ("html_inline", "html_block")]
    assert not [
        t
        for t in tokens
        if t.type in ("em_open", "strong_open") and t.markup in ("*", "_") and "Grim" in _next_text(tokens, t)
    ]
    # The hostile model name survives as literal text.
    text = "".join(t.content for t in tokens if t.type == "text")
    assert "Grim*Model_[1]" in text
    # Its figure has no http(s) source, so it is not linked at all.
    assert "javascript" not in " ".join(str(t.attrs.get("href")) for t in tokens if t.type == "link_open")


def _next_text(tokens: list[Token], start: Token) -> str:
    i = tokens.index(start)
    return "".join(t.content for t in tokens[i : i + 3] if t.type == "text")


@pytest.mark.parametrize(
    "raw",
    [
        "<img src=x onerror=alert(1)>",
        "**bold** _it_ `code`",
        "[a](javascript:alert(1))",
        "a | b",
        "&lt;b&gt;",
        "$x$ math",
        "line\nbreak\r\n# heading",
        "\x1b]0;title\x07bell",
        "\u202eevil\u202c",
        "![img](http://x/y.png)",
    ],
)
def test_md_text_neutralizes(raw: str) -> None:
    out = md_text(raw)
    tokens = list(_walk(_parse(f"- {out}")))
    kinds = {t.type for t in tokens}
    assert not kinds & {
        "html_inline",
        "html_block",
        "link_open",
        "image",
        "em_open",
        "strong_open",
        "code_inline",
        "heading_open",
    }
    assert "\n" not in out and "\x1b" not in out and "\u202e" not in out and "\x07" not in out


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://a.example/x", True),
        ("http://a.example/(x)", True),
        ("javascript:alert(1)", False),
        ("data:text/html,hi", False),
        ("file:///etc/passwd", False),
        ("  JAVASCRIPT:alert(1)", False),
        ("https:///nohost", False),
        ("vbscript:x", False),
    ],
)
def test_safe_url(url: str, ok: bool) -> None:
    result = safe_url(url)
    assert (result is not None) == ok
    if result:
        assert "(" not in result and ")" not in result and " " not in result


def test_cli_digest_stdout_and_out(run_cli: Any, data_dir: Path, tmp_path: Path) -> None:
    build_store(data_dir / "tracker.db").close()
    res = run_cli("digest", "--since", "2026-11-10", "--until", "2026-11-17")
    assert res.code == 0, res.stderr
    assert res.stdout.startswith("# AI model digest") and "Zephyrine-7" in res.stdout
    out = tmp_path / "d" / "weekly.md"
    missing = run_cli("digest", "--since", "2026-11-10", "--until", "2026-11-17", "--out", str(out))
    assert missing.code == 2 and "does not exist" in missing.stderr  # no silent mkdir
    assert not out.parent.exists()
    out.parent.mkdir()
    res2 = run_cli("digest", "--since", "2026-11-10", "--until", "2026-11-17", "--out", str(out))
    assert res2.code == 0, res2.stderr
    written = out.read_text(encoding="utf-8")
    assert "![" in written and "(weekly.png)" in written and (tmp_path / "d" / "weekly.png").exists()
    # The same digest, except the chart section that only a file can carry.
    without_chart = re.sub(r"## Price vs size\n\n!\[[^\n]*\n\n", "", written)
    assert without_chart == res.stdout
    # Another process with another hash seed writes the same bytes (nothing depends on set order).
    again = tmp_path / "e" / "weekly.md"
    again.parent.mkdir()
    args = ("digest", "--since", "2026-11-10", "--until", "2026-11-17", "--out", str(again))
    assert run_cli(*args, env={"PYTHONHASHSEED": "12345"}).code == 0
    assert again.read_bytes() == out.read_bytes()
    assert (tmp_path / "e" / "weekly.png").read_bytes() == (tmp_path / "d" / "weekly.png").read_bytes()
    bad = run_cli("digest", "--since", "yesterday-ish")
    assert bad.code == 2 and "tracker:" in bad.stderr and "Traceback" not in bad.stderr


def test_chart_survives_hostile_labels_and_is_deterministic() -> None:
    from tracker.chart import price_size_png

    points = [
        ("Cost$ly$ \\frac{1}{0}", 7e9, 0.2, False),
        ("Rumoured_{x}^2", 4e11, 3.0, True),
        ("Plain", 7e10, 1.0, False),
    ]
    first = price_size_png(points)
    assert first[:8] == b"\x89PNG\r\n\x1a\n"
    assert price_size_png(list(reversed(points))) == first  # input order does not matter
