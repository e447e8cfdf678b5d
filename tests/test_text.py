"""text: page extraction in the sandbox, the feed fallback, relevance, URL / content / story identities."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.errors import ParseError
from tracker.fingerprint import fingerprint_distance, same_story
from tracker.records import Article, Entry
from tracker.store import Store
from tracker.text import (
    Sandbox,
    canonical_url,
    clean_text,
    content_hash,
    extract_page,
    is_relevant,
    page_from_entry,
    story_fingerprint,
    strip_html,
)

RELEVANCE = Path(__file__).parent / "fixtures" / "relevance"

STORY = (
    "Heron Labs released Heron-4 on Tuesday, a language model with 52 billion parameters and a context "
    "window of 200,000 tokens. The company said the model scores 80.2 on MMLU and was trained on 3,000 "
    "GPUs over two months. Heron-4 is available through the API at $0.50 per million input tokens and "
    "$1.50 per million output tokens, and the weights will follow under an open license next quarter. "
    "Researchers who tried an early version said it was strong at code but weaker at long documents, and "
    "the lab promised a smaller variant for laptops later in the year along with a detailed model card. "
    "Heron Labs was founded three years ago by former university researchers and has raised money from "
    "several investors. Its previous model, Heron-3, was popular with startups because of its low price, "
    "but it trailed larger rivals on reasoning tests. The new release narrows that gap, according to the "
    "benchmark table the company shared, though independent evaluations are not yet available. Heron-4 "
    "also adds support for function calling and structured output, two features customers had requested. "
    "The company said it would publish a technical report describing the training data mix and the safety "
    "testing it carried out before the launch, including red-team exercises with outside experts."
)
OTHER_STORY = (
    "Kite AI introduced Kite Vision, a multimodal model that reads charts and scanned forms. The model has "
    "11 billion parameters and handles images up to 4K resolution. Kite says it tops two document "
    "benchmarks and costs $2 per thousand pages through its API. The release comes a month after the "
    "company raised new funding, and a larger version is planned for the spring along with an on-device "
    "edition for phones. Early users praised its accuracy on invoices but noted slow responses at peak times."
)


def _page(title: str, body: str, extra_head: str = "") -> bytes:
    paras = "".join(f"<p>{s.strip()}.</p>" for s in body.split(". ") if s.strip())
    return (
        f"<html><head><title>{title}</title>{extra_head}</head><body><nav>Home | About</nav>"
        f"<article><h1>{title}</h1>{paras}</article><footer>(c) the newsroom</footer></body></html>"
    ).encode()


# -- extraction ----------------------------------------------------------------------------------------


def test_extract_page_main_text_and_metadata() -> None:
    head = (
        '<link rel="canonical" href="https://news.example.test/heron-4?utm_source=x">'
        '<meta property="og:site_name" content="Example News">'
        '<meta property="article:published_time" content="2026-02-03T10:00:00+00:00">'
    )
    page = extract_page(_page("Heron-4 launches", STORY, head), "https://news.example.test/heron-4?fbclid=1")
    assert "52 billion parameters" in page.text and "the newsroom" not in page.text
    assert page.title == "Heron-4 launches"
    assert page.canonical_url == "https://news.example.test/heron-4"
    assert page.site_name == "Example News"
    assert page.published == datetime(2026, 2, 3, 10, tzinfo=UTC)  # the metadata's time is kept


def test_a_page_cannot_claim_another_sites_canonical_url() -> None:
    head = '<link rel="canonical" href="https://victim.example.test/real-article">'
    page = extract_page(_page("Heron-4", STORY, head), "https://attacker.example.test/copy")
    assert page.canonical_url == "https://attacker.example.test/copy"


@pytest.mark.parametrize("body", [b"", b"   ", b"<html><body><script>var x = 1;</script></body></html>"])
def test_extract_page_without_text_raises(body: bytes) -> None:
    with pytest.raises(ParseError):
        extract_page(body, "https://example.test/")


def test_sandbox_abandons_an_overrunning_call_and_recovers() -> None:
    box = Sandbox(workers=1, preload=())
    try:
        assert box.run(len, b"abc", timeout=30) == 3  # first call pays the start-up, not the limit
        with pytest.raises(ParseError, match="gave up"):
            box.run(time.sleep, 30, timeout=0.5)
        assert box.restarts == 1
        assert box.run(len, b"ab", timeout=30) == 2  # a fresh worker took its place
        with pytest.raises(ParseError, match="ValueError"):
            box.run(int, "not a number", timeout=30)
        assert box.run(len, b"", timeout=30) == 0  # an exception does not cost the worker
        assert box.restarts == 1
        box.close()
        assert box.run(len, b"x", timeout=30) == 1  # closing kills the workers; new ones start on demand
    finally:
        box.close()


def test_page_from_entry_strips_markup() -> None:
    entry = Entry(
        feed_url="https://feed.example.test/rss",
        guid="g1",
        link="https://Example.test/a?utm_medium=rss",
        title="Heron-4 <em>arrives</em>",
        published=datetime(2026, 2, 3, tzinfo=UTC),
        content="<p>First &amp; foremost.</p><script>steal()</script><div>Second\x1b[31m line</div>",
    )
    page = page_from_entry(entry)
    assert page.text == "First & foremost.\nSecond[31m line"
    assert page.title == "Heron-4 arrives"
    assert page.canonical_url == "https://example.test/a" and page.published == entry.published
    no_link = page_from_entry(Entry(feed_url="f", guid="sha256:abc", content="text"))
    assert no_link.url == "sha256:abc" and no_link.text == "text"


def test_strip_html_and_clean_text() -> None:
    assert strip_html("<ul><li>a</li><li>b &lt;c&gt;</li></ul>") == "a\nb <c>"
    assert strip_html("plain &amp; simple") == "plain & simple"
    assert clean_text("a\x00b\x07c\u009bd\ne\tf") == "abcd\ne\tf"


# -- relevance -----------------------------------------------------------------------------------------


def _texts(kind: str) -> list[Path]:
    return sorted((RELEVANCE / kind).glob("*.txt"))


@pytest.mark.parametrize(
    "path", _texts("relevant") + _texts("irrelevant"), ids=lambda p: f"{p.parent.name}-{p.stem}"
)
def test_relevance(path: Path) -> None:
    title, _, body = path.read_text(encoding="utf-8").partition("\n")
    assert is_relevant(title, body) is (path.parent.name == "relevant")


def test_relevance_of_the_dev_set(shared_dir: Path) -> None:
    docs = sorted((shared_dir / "dev" / "docs").glob("*.txt"))
    assert docs
    for doc in docs:
        title, _, body = doc.read_text(encoding="utf-8").partition("\n")
        assert is_relevant(title, body), doc.name


def test_relevance_needs_more_than_a_buzzword() -> None:
    assert not is_relevant("AI", "AI AI AI. " * 50)
    assert not is_relevant("", "")


# -- identities ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTPS://News.Example.TEST/a/b?utm_source=rss&x=2&a=1#top", "https://news.example.test/a/b?a=1&x=2"),
        ("http://example.test:80", "http://example.test/"),
        ("https://example.test:8443/p?fbclid=1&gclid=2&ref=hn", "https://example.test:8443/p"),
        ("https://example.test/p?id=5&utm_campaign=x&UTM_MEDIUM=y", "https://example.test/p?id=5"),
        ("https://example.test./path/", "https://example.test/path/"),
        ("not a url", "not a url"),
    ],
)
def test_canonical_url(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


_hosts = st.from_regex(r"[A-Za-z][A-Za-z0-9-]{0,10}\.(test|Example)", fullmatch=True)
_params = st.lists(
    st.tuples(
        st.sampled_from(["a", "id", "utm_source", "fbclid", "q", "ref"]), st.text("abc123", max_size=4)
    ),
    max_size=4,
)


@given(_hosts, st.from_regex(r"(/[a-z0-9]{0,6}){0,3}", fullmatch=True), _params, st.text("xyz", max_size=3))
def test_canonical_url_properties(host: str, path: str, params: list[tuple[str, str]], frag: str) -> None:
    query = "&".join(f"{k}={v}" for k, v in params)
    url = f"HTTPS://{host}{path}" + (f"?{query}" if query else "") + (f"#{frag}" if frag else "")
    once = canonical_url(url)
    assert canonical_url(once) == once  # idempotent
    assert "#" not in once and "utm_" not in once and "fbclid" not in once
    assert once.startswith(f"https://{host.lower()}/")


def test_content_hash_ignores_case_and_whitespace() -> None:
    assert content_hash("Hello   World\n") == content_hash("hello world")
    assert content_hash("hello world") != content_hash("hello world!")
    assert len(content_hash("")) == 64


# -- stories -------------------------------------------------------------------------------------------


def _syndicated(text: str) -> str:
    return "By Staff Writer, Wire Service. " + text + " This story was first published by Example Wire."


def test_story_fingerprints_link_syndicated_copies_only() -> None:
    a, b, c = story_fingerprint(STORY), story_fingerprint(_syndicated(STORY)), story_fingerprint(OTHER_STORY)
    assert same_story(a, b), fingerprint_distance(a, b)
    assert not same_story(a, c), fingerprint_distance(a, c)
    assert -(2**63) <= a < 2**63  # fits SQLite's INTEGER
    assert story_fingerprint(STORY.upper()) == a  # case and spacing do not matter


def test_store_finds_the_story_of_a_syndicated_copy(tmp_path: Path) -> None:
    with Store(tmp_path / "t.db") as store:
        article = Article(
            url="https://a.test/1",
            canonical_url="https://a.test/1",
            text=STORY,
            content_hash=content_hash(STORY),
        )
        first, _ = store.add_article(article, [], fingerprint=story_fingerprint(STORY))
        story = store.find_story(story_fingerprint(_syndicated(STORY)))
        assert story == first
        assert store.find_story(story_fingerprint(OTHER_STORY)) is None
