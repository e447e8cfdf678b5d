"""Issue 2 end to end, through the real CLI: feeds on 127.0.0.1 -> ingest -> ask -> digest.

The feeds and pages are the demo data (src/tracker/demo, written in our own words): an RSS feed and an Atom
feed of launch articles with one off-topic page each, plus a broken feed and a failing one.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from helpers import CliResult
from localserver import LocalServer
from tracker.cli import app

DEMO = Path(__file__).resolve().parent.parent / "src" / "tracker" / "demo"
LAUNCH_PAGES = [
    "deepseek-v3",
    "deepseek-v3-pricing",
    "llama-3-1-405b",
    "mixtral-8x22b",
    "mistral-large-2",
    "phi-3-mini",
]
OFF_TOPIC_PAGES = ["rye-bread", "council-bike-lanes"]


def _commands() -> set[str]:
    import typer.main

    return set(getattr(typer.main.get_command(app), "commands", {}))


def serve_demo(server: LocalServer, *, broken: bool = True) -> dict[str, str]:
    """Route the demo feeds and pages (with {base} filled in) plus a broken and a failing feed."""
    base = server.url("")
    urls = {}
    for name, ctype in (("feed.xml", "application/rss+xml"), ("atom.xml", "application/atom+xml")):
        body = (DEMO / name).read_text(encoding="utf-8").replace("{base}", base)
        urls[name] = server.add(f"/{name}", body, content_type=ctype, headers={"ETag": f'"{name}-v1"'})
    for page in LAUNCH_PAGES + OFF_TOPIC_PAGES:
        body = (DEMO / "pages" / f"{page}.html").read_text(encoding="utf-8").replace("{base}", base)
        server.add(f"/pages/{page}.html", body, headers={"ETag": f'"{page}"'})
    if broken:
        urls["broken"] = server.add(
            "/broken.xml",
            b"<rss><channel><item><title>oops \x00\xff\xfe <<<",
            content_type="application/rss+xml",
        )
        urls["failing"] = server.add("/failing.xml", b"server on fire", status=500, content_type="text/plain")
    return urls


def write_feeds(path: Path, server: LocalServer, urls: dict[str, str]) -> Path:
    lines = [f'allow_private: ["127.0.0.1:{server.port}"]', "feeds:"]
    names = {
        "feed.xml": "Demo RSS",
        "atom.xml": "Demo Atom",
        "broken": "Broken feed",
        "failing": "Failing feed",
    }
    for key, url in urls.items():
        lines += [f"  - name: {names[key]}", f"    url: {url}"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def ingested(
    http_server: LocalServer,
    run_cli: Callable[..., CliResult],
    tmp_path: Path,
    backend_env: dict[str, str],
) -> tuple[LocalServer, Callable[..., CliResult], dict[str, str], CliResult]:
    """The demo feeds ingested by the real CLI, into SQLite and into PostgreSQL in turn."""
    urls = serve_demo(http_server)
    feeds = write_feeds(tmp_path / "feeds.yaml", http_server, urls)

    def run(*args: str, **kw: object) -> CliResult:
        return run_cli(*args, env={"TRACKER_FEEDS": str(feeds), **backend_env}, **kw)

    first = run("ingest", "--json")
    return http_server, run, urls, first


def _status(run: Callable[..., CliResult]) -> dict[str, object]:
    result = run("status", "--json")
    assert result.code == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def _exported(run: Callable[..., CliResult]) -> list[dict[str, object]]:
    result = run("export", "--format", "jsonl")
    assert result.code == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_ingest_stores_launches_not_off_topic_and_exits_3(ingested: tuple) -> None:  # type: ignore[type-arg]
    server, run, _urls, first = ingested
    assert first.code == 3, first.stderr  # the failing and the broken feed
    assert "Traceback" not in first.stderr
    report = json.loads(first.stdout)
    outcomes = {f["name"]: f["outcome"] for f in report["feeds"]}
    assert outcomes["Demo RSS"] == "ok" and outcomes["Demo Atom"] == "ok"
    assert outcomes["Failing feed"] == "error"
    # a broken document is the poller's call (an error, or a bozo feed with nothing in it): never a crash
    broken = next(f for f in report["feeds"] if f["name"] == "Broken feed")
    assert broken["outcome"] in ("error", "ok") and broken["articles_new"] == 0
    assert report["feeds_failed"] == 1 + (broken["outcome"] == "error")
    assert report["articles_new"] == len(LAUNCH_PAGES)
    assert report["off_topic"] == len(OFF_TOPIC_PAGES)

    status = _status(run)
    assert status["articles"] == len(LAUNCH_PAGES)
    health = {f["name"]: f["health"] for f in status["feeds"]}  # type: ignore[attr-defined]
    assert health["Failing feed"] == "failing" and health["Demo RSS"] == "ok"
    rows = _exported(run)
    urls = {r["url"] for r in rows}
    for page in OFF_TOPIC_PAGES:
        assert server.count(f"/pages/{page}.html") == 1  # fetched, judged, not stored
        assert not any(page in str(u) for u in urls)


def test_second_run_changes_nothing_and_gets_304s(ingested: tuple) -> None:  # type: ignore[type-arg]
    server, run, _urls, _first = ingested
    before = _status(run)
    page_hits = {p: server.count(f"/pages/{p}.html") for p in LAUNCH_PAGES + OFF_TOPIC_PAGES}
    second = run("ingest", "--json")
    assert second.code == 3
    report = json.loads(second.stdout)
    assert report["articles_new"] == 0 and report["claims_new"] == 0
    outcomes = {f["name"]: f["outcome"] for f in report["feeds"]}
    assert outcomes["Demo RSS"] == "not_modified" and outcomes["Demo Atom"] == "not_modified"
    after = _status(run)
    for key in ("articles", "claims", "models", "stories"):
        assert after[key] == before[key], key
    # the second request of each good feed was conditional, and no page was fetched again
    for name in ("/feed.xml", "/atom.xml"):
        sent = server.sent(name)
        assert len(sent) == 2 and sent[1].get("If-None-Match") == f'"{name[1:]}-v1"'
    assert {p: server.count(f"/pages/{p}.html") for p in page_hits} == page_hits


def test_claims_are_exact_spans_with_sources(ingested: tuple) -> None:  # type: ignore[type-arg]
    _server, run, _urls, _first = ingested
    rows = _exported(run)
    assert rows, "the extractor found no claims in the demo launch articles"
    for row in rows:
        assert row["url"] and row["title"] and row["evidence"]
    assert {r["model"] for r in rows} & {"DeepSeek-V3", "Llama-3.1-405B", "Mistral-Large-2", "Mixtral-8x22B"}


QUESTIONS = [
    ("How many parameters does Llama 3.1 405B have?", "parameters_total", 405e9),
    ("How many active parameters does DeepSeek-V3 use per token?", "parameters_active", 37e9),
    ("What is the context window of Mistral Large 2?", "context_window", 128_000),
    ("What license is Mixtral 8x22B released under?", "license", "Apache-2.0"),
    ("What does DeepSeek-V3 cost per million input tokens?", "price_input", 0.27),
]


@pytest.mark.parametrize(("question", "attribute", "value"), QUESTIONS)
def test_ask_returns_the_right_claim_first(
    ingested: tuple,
    question: str,
    attribute: str,  # type: ignore[type-arg]
    value: object,
) -> None:
    if "ask" not in _commands():
        pytest.skip("`tracker ask` is not part of the app yet")
    _server, run, _urls, _first = ingested
    result = run("ask", question, "--json")
    assert result.code == 0, result.stderr
    answers = json.loads(result.stdout)["answers"]
    assert answers, f"no answer for {question!r}"
    best = answers[0]
    assert best["attribute"] == attribute
    if isinstance(value, float | int):
        assert abs(float(best["value"]) - float(value)) <= 0.01 * abs(float(value))
    else:
        assert str(best["value"]).lower().replace("-", "") == str(value).lower().replace("-", "")
    assert best["sources"] and best["sources"][0]["url"].startswith("http://127.0.0.1")


def test_digest_links_the_sources(ingested: tuple, tmp_path: Path) -> None:  # type: ignore[type-arg]
    if "digest" not in _commands():
        pytest.skip("`tracker digest` is not part of the app yet")
    _server, run, _urls, _first = ingested
    out = tmp_path / "digest.md"
    result = run("digest", "--since", "2024-01-01", "--out", str(out))
    assert result.code == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    cited = {r["url"] for r in _exported(run)}
    assert cited
    for url in cited:
        assert f"]({url}" in text or f"<{url}>" in text, f"digest does not link {url}"


def test_add_text_files_keeps_exact_offsets_and_dedupes(
    tmp_path: Path, run_cli: Callable[..., CliResult]
) -> None:
    # A text file with CRLF line ends and trailing spaces: stored byte-exact, so offsets point into the file.
    body = (
        "Alibaba released Qwen 9.5 on March 3, 2025 (an invented version, for this test).\r\n"
        "Qwen 9.5 has 70 billion parameters and a context window of 32K tokens.  \r\n"
        "It is available under the Apache 2.0 license.\r\n"
    )
    doc = tmp_path / "qwen_launch.txt"
    doc.write_bytes(body.encode("utf-8"))
    first = run_cli("add", str(doc), "--published", "2025-03-04", "--json")
    assert first.code == 0, first.stderr
    assert json.loads(first.stdout)["articles_new"] == 1
    rows = _exported(run_cli)
    assert rows, "no claims extracted from the Qwen 9.5 text"
    for row in rows:
        assert body[int(row["start"]) : int(row["end"])] == row["evidence"]  # type: ignore[call-overload]
        assert row["title"] == "qwen_launch" and row["published"] == "2025-03-04"
    again = run_cli("add", str(doc), "--json")
    assert again.code == 0
    assert json.loads(again.stdout)["articles_new"] == 0
    assert json.loads(run_cli("status", "--json").stdout)["articles"] == 1


def test_add_reports_a_missing_file_but_keeps_the_others(
    tmp_path: Path, run_cli: Callable[..., CliResult]
) -> None:
    good = tmp_path / "good.html"
    good.write_bytes((DEMO / "pages" / "phi-3-mini.html").read_bytes())
    result = run_cli("add", str(tmp_path / "missing.txt"), str(good))
    assert result.code == 2
    assert "missing.txt" in result.stderr and "Traceback" not in result.stderr
    assert json.loads(run_cli("status", "--json").stdout)["articles"] == 1


def test_add_eval_docs_offsets_point_into_the_files(
    shared_dir: Path, run_cli: Callable[..., CliResult]
) -> None:
    docs = sorted((shared_dir / "dev" / "docs").glob("*.txt"))
    assert docs
    result = run_cli("add", *map(str, docs))
    assert result.code == 0, result.stderr
    texts = {d.stem: d.read_bytes().decode("utf-8") for d in docs}
    rows = _exported(run_cli)
    assert rows
    for row in rows:
        assert texts[str(row["title"])][int(row["start"]) : int(row["end"])] == row["evidence"]  # type: ignore[call-overload]
    assert json.loads(run_cli("status", "--json").stdout)["articles"] == len(docs)


def test_syndicated_copy_is_stored_once(
    http_server: LocalServer, run_cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    """The same article under two URLs in two feeds: stored once (content hash), counted as a duplicate."""
    base = http_server.url("")
    page = (DEMO / "pages" / "mixtral-8x22b.html").read_text(encoding="utf-8")
    http_server.add("/a/mixtral.html", page)
    http_server.add("/b/copy-of-mixtral.html", page)
    for name, link in (("one", "/a/mixtral.html"), ("two", "/b/copy-of-mixtral.html")):
        rss = (
            f'<?xml version="1.0"?><rss version="2.0"><channel><title>{name}</title>'
            f"<item><title>Mixtral 8x22B</title><link>{base}{link}</link><guid>{name}-1</guid>"
            "<pubDate>Thu, 18 Apr 2024 10:00:00 GMT</pubDate></item></channel></rss>"
        )
        http_server.add(f"/{name}.xml", rss, content_type="application/rss+xml")
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text(
        f'allow_private: ["127.0.0.1:{http_server.port}"]\nfeeds:\n'
        f"  - name: One\n    url: {base}/one.xml\n  - name: Two\n    url: {base}/two.xml\n"
    )
    result = run_cli("ingest", "--json", env={"TRACKER_FEEDS": str(feeds)})
    assert result.code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["articles_new"] == 1 and report["duplicates"] == 1


def test_add_url_obeys_allow_private(
    http_server: LocalServer, run_cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    page = (DEMO / "pages" / "mistral-large-2.html").read_text(encoding="utf-8")
    url = http_server.add("/post/mistral-large-2", page)
    strict = tmp_path / "strict.yaml"
    strict.write_text("allow_private: false\nfeeds: []\n", encoding="utf-8")
    refused = run_cli("add", url, env={"TRACKER_FEEDS": str(strict)})
    assert refused.code == 2 and "Traceback" not in refused.stderr
    assert http_server.count("/post/mistral-large-2") == 0  # refused before any request
    allowed = tmp_path / "allowed.yaml"
    allowed.write_text(f'allow_private: ["127.0.0.1:{http_server.port}"]\nfeeds: []\n', encoding="utf-8")
    result = run_cli("add", url, "--json", env={"TRACKER_FEEDS": str(allowed)})
    assert result.code == 0, result.stderr + result.stdout
    assert json.loads(result.stdout)["articles_new"] == 1, result.stdout
    rows = _exported(run_cli)
    assert all(r["published"] == "2024-07-24" for r in rows)  # from the page's metadata
    assert all(r["title"] == "Mistral Large 2 lands with 123 billion parameters" for r in rows)


def _seed_store(data_dir: Path) -> None:
    from tracker.records import Article, Claim
    from tracker.store import Store

    text = '=HYPERLINK("http://evil") Acme\'s Zephyr-9 has 12 billion parameters.'
    with Store(data_dir / "tracker.db") as store:
        store.add_article(
            Article(
                url="https://example.org/z",
                canonical_url="https://example.org/z",
                title="Zephyr",
                text=text,
                content_hash="h1",
                source="Example",
            ),
            [
                Claim(
                    model="Zephyr-9",
                    attribute="parameters_total",
                    value=12e9,
                    evidence=text[:40],
                    start=0,
                    end=40,
                )
            ],
            aliases=[("Zephyr 9", "Zephyr-9")],
        )
        store.save_feed_state(
            "https://example.org/feed",
            name="Quiet feed",
            last_success="2026-01-01T00:00:00+00:00",
            last_new="2025-01-01T00:00:00+00:00",
            consecutive_errors=0,
        )


def test_export_csv_defuses_formulas_and_jsonl_round_trips(
    data_dir: Path, run_cli: Callable[..., CliResult]
) -> None:
    import csv
    import io

    _seed_store(data_dir)
    result = run_cli("export", "--format", "csv")
    assert result.code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 1
    assert rows[0]["evidence"].startswith("'=")  # a spreadsheet shows it, does not run it
    assert rows[0]["url"] == "https://example.org/z" and rows[0]["source"] == "Example"
    jsonl = _exported(run_cli)
    assert jsonl[0]["evidence"].startswith("=") and jsonl[0]["value"] == 12e9  # type: ignore[union-attr]


def test_models_lists_aliases_and_status_flags_stale_feeds(
    data_dir: Path, run_cli: Callable[..., CliResult]
) -> None:
    _seed_store(data_dir)
    models = json.loads(run_cli("models", "--json").stdout)
    zephyr = next(m for m in models if m["name"] == "Zephyr-9")
    assert zephyr["claims"] == 1 and "Zephyr-9" in zephyr["aliases"]
    status = json.loads(run_cli("--feeds", str(data_dir / "none.yaml"), "status", "--json").stdout)
    assert [f["health"] for f in status["feeds"]] == ["stale"]
    assert status["articles"] == 1 and status["claims"] == 1


def test_an_entry_whose_page_failed_is_retried_next_run(
    http_server: LocalServer, run_cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    """A page that fails (and has no feed text to fall back on) must not be lost behind the next 304."""
    base = http_server.url("")
    for slug in ("llama-3-1-405b", "phi-3-mini"):
        http_server.add(f"/p/{slug}.html", (DEMO / "pages" / f"{slug}.html").read_text(encoding="utf-8"))
    http_server.add("/p/phi-3-mini.html", b"temporarily broken", status=503, content_type="text/plain")
    items = "".join(
        f"<item><title>{s}</title><link>{base}/p/{s}.html</link><guid>{s}</guid></item>"
        for s in ("llama-3-1-405b", "phi-3-mini")
    )
    http_server.add(
        "/feed.xml",
        f"<?xml version='1.0'?><rss version='2.0'><channel><title>t</title>{items}</channel></rss>",
        content_type="application/rss+xml",
        headers={"ETag": '"v1"'},
    )
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text(
        f'allow_private: ["127.0.0.1:{http_server.port}"]\nfeeds:\n'
        f"  - name: Flaky pages\n    url: {base}/feed.xml\n",
        encoding="utf-8",
    )
    env = {"TRACKER_FEEDS": str(feeds)}
    first = json.loads(run_cli("ingest", "--json", env=env).stdout)
    assert first["articles_new"] == 1 and first["failed_items"] == 1
    http_server.add("/p/phi-3-mini.html", (DEMO / "pages" / "phi-3-mini.html").read_text(encoding="utf-8"))
    second = json.loads(run_cli("ingest", "--json", env=env).stdout)
    assert second["articles_new"] == 1 and second["failed_items"] == 0
    assert http_server.count("/p/llama-3-1-405b.html") == 1  # the stored one is not fetched again
    third = json.loads(run_cli("ingest", "--json", env=env).stdout)
    assert third["feeds"][0]["outcome"] == "not_modified"


def test_entries_without_links_are_kept_apart_per_feed(
    http_server: LocalServer, run_cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    """Two feeds reuse GUID "1" for entries with no link: both are launch news, both are stored."""
    base = http_server.url("")
    texts = {
        "one": "Meta released Llama 3.1 405B with 405 billion parameters and a 128K token context window. "
        "The open-weight language model was trained on H100 GPUs.",
        "two": "Mistral AI launched Mistral Large 2, a language model with 123 billion parameters and a "
        "context window of 128K tokens, under the Mistral Research License.",
    }
    for name, text in texts.items():
        rss = (
            f"<?xml version='1.0'?><rss version='2.0'><channel><title>{name}</title><item>"
            f"<title>Model launch ({name})</title><guid isPermaLink='false'>1</guid>"
            f"<description>{text}</description></item></channel></rss>"
        )
        http_server.add(f"/{name}.xml", rss, content_type="application/rss+xml")
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text(
        f'allow_private: ["127.0.0.1:{http_server.port}"]\nfeeds:\n'
        f"  - name: One\n    url: {base}/one.xml\n  - name: Two\n    url: {base}/two.xml\n"
    )
    env = {"TRACKER_FEEDS": str(feeds)}
    first = json.loads(run_cli("ingest", "--json", env=env).stdout)
    assert first["articles_new"] == 2, first
    again = json.loads(run_cli("ingest", "--json", env=env).stdout)
    assert again["articles_new"] == 0 and again["duplicates"] == 0  # known by (feed, guid), not re-judged
