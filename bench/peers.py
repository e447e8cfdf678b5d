"""Other projects' test corpora through our real poller and page path, served from 127.0.0.1.

    python bench/peers.py DIR... [--out docs/benchmarks.md | --no-write] [--chunk 100]

Each DIR is walked for
- feed documents: *.xml / *.rss / *.atom / *.rdf files, *.json files that are JSON Feeds, and the feeds
  embedded as raw strings in Go test files (*_test.go, as in Miniflux's reader); feedparser's
  `Header: Content-type: ...` comments become the HTTP header the file is served with;
- pages: *.html / *.htm files (trafilatura's tests/cache and tests/eval).

Feeds go through `poll.poll_feeds` (the Fetcher, the sandboxed feedparser or our JSON Feed parser; the
entries are collected by `is_known`, which also keeps their pages from being fetched). Each document is
also parsed by feedparser directly, with the same header, and the two are compared: disagreements are
counted by kind. Pages are listed in local RSS feeds and go through the whole poller path (fetch, then
trafilatura in a sandbox worker under the 10 s limit), in chunks of `--chunk` pages, each chunk in a
fresh process so every chunk starts with cold workers, as a fresh `tracker ingest` does.

Nothing is fetched from the internet: the server binds 127.0.0.1 and only 127.0.0.1:port is allowed.
The corpora are not part of this repository; get them with the `fetch` tool (see docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import resource
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
FEED_SUFFIXES = (".xml", ".rss", ".atom", ".rdf")
PAGE_SUFFIXES = (".html", ".htm")
HEADER = re.compile(rb"^Header:\s+([^:]+):(.*)$", re.MULTILINE)
GO_RAW = re.compile(r"`([^`]*)`", re.DOTALL)
FEED_START = re.compile(r"^\s*(<\?xml|<rss|<feed|<rdf:RDF|<RDF|<channel)", re.IGNORECASE)
NOW = datetime(2026, 12, 1, tzinfo=UTC)


@dataclass
class Doc:
    """One feed document and how it is served."""

    name: str  # corpus-relative, for the report
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def content_type(self) -> str:
        return self.headers.get("Content-Type", "application/xml")


# -- collecting the corpora --------------------------------------------------------------------------------


def _is_json_feed(body: bytes) -> bool:
    head = body[:4000].lstrip()
    return head[:1] == b"{" and b"jsonfeed.org/version" in head


def collect(dirs: list[Path]) -> tuple[list[Doc], list[tuple[str, bytes]]]:
    """Feed documents and pages under the given directories (deterministic order)."""
    feeds: list[Doc] = []
    pages: list[tuple[str, bytes]] = []
    for top in dirs:
        for path in sorted(p for p in top.rglob("*") if p.is_file()):
            rel = f"{top.name}/{path.relative_to(top)}"
            name = path.name.lower()
            if name.endswith(PAGE_SUFFIXES):
                pages.append((rel, path.read_bytes()))
            elif name.endswith(FEED_SUFFIXES):
                body = path.read_bytes()
                headers = {k.decode().strip(): v.decode("latin-1").strip() for k, v in HEADER.findall(body)}
                ctype = next((v for k, v in headers.items() if k.lower() == "content-type"), None)
                feeds.append(Doc(rel, body, {"Content-Type": ctype} if ctype else {}))
            elif name.endswith(".json"):
                body = path.read_bytes()
                if _is_json_feed(body):
                    feeds.append(Doc(rel, body, {"Content-Type": "application/feed+json"}))
            elif name.endswith("_test.go"):
                source = path.read_text(encoding="utf-8", errors="replace")
                for n, raw in enumerate(GO_RAW.findall(source)):
                    body = raw.encode("utf-8")
                    if "<opml" in raw[:300].lower():
                        continue  # subscription lists, not feeds (tests/test_feeds_admin.py covers OPML)
                    if FEED_START.match(raw):
                        feeds.append(Doc(f"{rel}#{n}", body))
                    elif _is_json_feed(body):
                        feeds.append(Doc(f"{rel}#{n}", body, {"Content-Type": "application/feed+json"}))
    return feeds, pages


# -- the local server ---------------------------------------------------------------------------------------


class Server:
    """127.0.0.1, one route per document: (status 200, headers, body)."""

    def __init__(self) -> None:
        self.routes: dict[str, tuple[dict[str, str], bytes]] = {}
        routes = self.routes

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                route = routes.get(self.path)
                if route is None:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                headers, body = route
                self.send_response(200)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


# -- feeds --------------------------------------------------------------------------------------------------


def _reference(doc: Doc) -> dict[str, Any]:
    """feedparser's own parse of the bytes, with the header we serve them with."""
    import io
    import warnings

    import feedparser

    from tracker.text import strip_html

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parsed = feedparser.parse(io.BytesIO(doc.body), response_headers={"content-type": doc.content_type})
    entries = parsed.get("entries", [])
    # Our identity rule (poll.entries_from_parsed): GUID, else link, else a hash of title and text; an
    # entry with none of them is dropped, and one identity is kept once.
    identities = set()
    for e in entries:
        title = strip_html(str(e.get("title") or ""))
        text = e.get("summary") or "".join(str(c.get("value") or "") for c in e.get("content", []))
        key = e.get("id") or e.get("guid") or e.get("link") or ((title or text) and f"{title}\n{text}")
        if key:
            identities.add(key)
    return {
        "version": parsed.get("version") or "",
        "bozo": bool(parsed.get("bozo")),
        "entries": len(entries),
        "identities": len(identities),
        "titles": sorted(strip_html(str(e.get("title") or "")) for e in entries),
        "error": type(parsed.get("bozo_exception")).__name__ if parsed.get("bozo_exception") else None,
    }


def _classify(doc: Doc, ours: Any, entries: list[Any], ref: dict[str, Any]) -> str | None:
    """The kind of a disagreement between our parse and feedparser's, or None when they agree."""
    json_feed = doc.content_type == "application/feed+json"
    ok = ours.outcome == "ok"
    if json_feed:
        if ref["entries"] == 0 and ok:
            return "JSON Feed: feedparser 6 reads none of it from bytes, we read it" if entries else None
        if not ok:
            return "JSON Feed: we failed"
    ref_usable = ref["entries"] > 0 or (bool(ref["version"]) and not ref["bozo"])
    if not ok and ref_usable:
        if ref["entries"] == 0:
            return "we fail, feedparser has a version and no entries"
        if ref["identities"] == 0:
            return "we fail: feedparser's entries have nothing to identify or read (no id, link, title, text)"
        return f"we fail, feedparser has entries ({(ours.error or '')[:60]})"
    if ok and not ref_usable:
        if ref["version"]:
            return "we read an item-less feed that feedparser flags (recoverable error, channel read)"
        return "we read it, feedparser does not"
    if not ok:
        return None  # both refuse it
    if len(entries) != ref["entries"]:
        if len(entries) == min(ref["identities"], 1000) < ref["entries"]:
            return (
                "fewer entries: entries with no id, link, title or text dropped, one entry per identity "
                "(GUID, link, or title + text)"
            )
        return "entry count differs"
    if sorted(e.title for e in entries) != ref["titles"]:
        return "titles differ"
    return None


def run_feeds(docs: list[Doc]) -> dict[str, Any]:
    """Every document through poll_feeds; the comparison with feedparser's own parse."""
    from tracker.config import FeedsConfig
    from tracker.poll import poll_feeds
    from tracker.records import Entry, Feed

    server = Server()
    feeds = []
    for n, doc in enumerate(docs):
        path = f"/feed/{n}"
        server.routes[path] = ({"Content-Type": doc.content_type}, doc.body)
        feeds.append(Feed(name=doc.name[:200], url=server.url(path)))
    seen: dict[str, list[Entry]] = {}

    def is_known(entry: Entry) -> bool:
        seen.setdefault(entry.feed_url, []).append(entry)
        return True  # collected here; "known" keeps the poller from fetching pages off this machine

    config = FeedsConfig(allow_private=[f"127.0.0.1:{server.port}"], feeds=feeds)
    started = time.perf_counter()
    crashes: list[str] = []
    try:
        results = poll_feeds(config, {}, is_known=is_known, now=NOW)
    except Exception as exc:  # noqa: BLE001 - the figure we report
        crashes.append(f"poll_feeds raised {type(exc).__name__}: {exc}")
        results = []
    took = time.perf_counter() - started
    server.close()
    kinds: Counter[str] = Counter()
    examples: dict[str, list[str]] = {}
    errors: Counter[str] = Counter()
    failed_names: dict[str, list[str]] = {}
    json_docs = json_failed = ok = 0
    for doc, feed, result in zip(docs, feeds, results, strict=False):
        entries = seen.get(feed.url, [])
        is_json = doc.content_type == "application/feed+json"
        json_docs += is_json
        if result.outcome == "ok":
            ok += 1
        else:
            json_failed += is_json
            errors[_error_kind(result.error or "")] += 1
            failed_names.setdefault(_error_kind(result.error or ""), []).append(doc.name)
            message = result.error or ""
            if re.match(r"^[A-Z]\w+(Error|Exception): ", message) and "parse:" not in message:
                crashes.append(f"{doc.name}: {message}")  # the poller's catch-all caught a bug
        kind = _classify(doc, result, entries, _reference(doc))
        if kind:
            kinds[kind] += 1
            examples.setdefault(kind, []).append(doc.name)
    return {
        "files": len(docs),
        "ok": ok,
        "failed": len(docs) - ok,
        "json": json_docs,
        "json_failed": json_failed,
        "disagreements": dict(kinds.most_common()),
        "examples": {k: v[:3] for k, v in examples.items()},
        "errors": dict(errors.most_common()),
        "failed_names": failed_names,
        "crashes": crashes,
        "seconds": round(took, 1),
        "peak_rss_mb": _rss_mb(resource.RUSAGE_SELF),
        "worker_peak_rss_mb": _rss_mb(resource.RUSAGE_CHILDREN),
    }


def _error_kind(error: str) -> str:
    """A short, stable name for a failure message (positions and file names dropped)."""
    text = re.sub(r"<unknown>:\d+:\d+: ", "", error.removeprefix("parse: "))
    text = re.sub(r"\d+", "N", text)
    return text[:90]


# -- pages --------------------------------------------------------------------------------------------------


def run_pages_chunk(paths: list[str]) -> dict[str, Any]:
    """One fresh process: these pages listed in local feeds, through poll_feeds (fetch + extraction)."""
    from tracker.config import FeedsConfig
    from tracker.poll import page_given_up, poll_feeds
    from tracker.records import Feed

    server = Server()
    items = []
    for n, path in enumerate(paths):
        server.routes[f"/page/{n}"] = ({"Content-Type": "text/html"}, Path(path).read_bytes())
        link = server.url(f"/page/{n}")
        items.append(f"<item><guid>p{n}</guid><title>page {n}</title><link>{link}</link></item>")
    feeds = []
    for start in range(0, len(items), 25):  # a few feeds, as a real feeds.yaml has
        body = (
            "<?xml version='1.0'?><rss version='2.0'><channel><title>pages</title>"
            + "".join(items[start : start + 25])
            + "</channel></rss>"
        ).encode()
        server.routes[f"/feed/{start}"] = ({"Content-Type": "application/rss+xml"}, body)
        feeds.append(Feed(name=f"pages {start}", url=server.url(f"/feed/{start}")))
    config = FeedsConfig(allow_private=[f"127.0.0.1:{server.port}"], feeds=feeds)
    started = time.perf_counter()
    results = poll_feeds(config, {}, is_known=lambda e: False, now=NOW)
    took = time.perf_counter() - started
    server.close()
    lost: list[str] = []
    other: Counter[str] = Counter()
    extracted = 0
    for result in results:
        for item in result.items:
            n = int(item.entry.guid[1:])
            if page_given_up(item.error):
                lost.append(f"{Path(paths[n]).name}: {item.error}")
            elif item.error:
                other[_error_kind(item.error)] += 1
            else:
                extracted += 1
    bad_feeds = [r.error for r in results if r.outcome != "ok"]
    return {
        "pages": len(paths),
        "extracted": extracted,
        "lost": lost,
        "other": dict(other),
        "feed_errors": bad_feeds,
        "seconds": took,
        "peak_rss_mb": _rss_mb(resource.RUSAGE_SELF),
        "worker_peak_rss_mb": _rss_mb(resource.RUSAGE_CHILDREN),
    }


def run_pages(pages: list[tuple[str, bytes]], chunk: int) -> dict[str, Any]:
    """Chunks of pages, each in a fresh process (cold workers), the figures summed."""
    import tempfile

    total: dict[str, Any] = {
        "pages": 0,
        "extracted": 0,
        "lost": [],
        "other": Counter(),
        "crashes": [],
        "seconds": 0.0,
        "peak_rss_mb": 0.0,
        "worker_peak_rss_mb": 0.0,
        "chunks": 0,
    }
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for n, (name, body) in enumerate(pages):
            path = Path(tmp) / f"{n:05d}-{hashlib.sha1(name.encode()).hexdigest()[:8]}.html"
            path.write_bytes(body)
            files.append(str(path))
        for start in range(0, len(files), chunk):
            part = files[start : start + chunk]
            proc = subprocess.run(
                [sys.executable, __file__, "--pages-chunk", *part],
                capture_output=True,
                text=True,
                env=dict(os.environ, HF_HUB_OFFLINE="1"),
            )
            total["chunks"] += 1
            if proc.returncode != 0:
                tail = (proc.stderr.strip().splitlines() or ["?"])[-1]
                total["crashes"].append(f"chunk {start // chunk}: exit {proc.returncode}: {tail}")
                continue
            out = json.loads(proc.stdout)
            total["pages"] += out["pages"]
            total["extracted"] += out["extracted"]
            total["lost"] += out["lost"]
            total["other"].update(out["other"])
            total["crashes"] += [f"feed error: {e}" for e in out["feed_errors"]]
            total["seconds"] += out["seconds"]
            total["peak_rss_mb"] = max(total["peak_rss_mb"], out["peak_rss_mb"])
            total["worker_peak_rss_mb"] = max(total["worker_peak_rss_mb"], out["worker_peak_rss_mb"])
    total["other"] = dict(total["other"].most_common())
    total["seconds"] = round(total["seconds"], 1)
    return total


def _hwm_mb(pid: int | str = "self") -> float:
    """VmHWM (peak RSS) of a process. Not ru_maxrss: Linux carries that across exec, so a child started
    by a big parent would report the parent's peak."""
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return 0.0


def _rss_mb(who: int) -> float:
    """Peak RSS of this process, or the largest peak among the live sandbox workers (then ended)."""
    if who != resource.RUSAGE_CHILDREN:
        return _hwm_mb()
    from tracker.text import sandbox

    box = sandbox()
    peak = max((_hwm_mb(w.proc.pid) for w in list(box._all)), default=0.0)
    box.close()
    return peak


# -- report -------------------------------------------------------------------------------------------------

FAILURES_NOTE = (
    "On these corpora the failures are test inputs built to fail (feedparser's `illformed/` and `bozo_` "
    "files, a `text/plain` Content-Type), CDF channels (Microsoft's 1997 format: no feed version), and "
    "Miniflux's XML-decoder tests, which are not feeds (a `<note>` document; `%s` templates with a bare "
    "`&` under `<rss>` and no channel)."
)

# Why each kind of disagreement is expected (checked by hand on the files it names); a kind missing here
# is printed as UNEXPLAINED.
EXPLAINED = {
    ("JSON Feed: feedparser 6 reads none of it from bytes, we read it"): (
        "feedparser 6.0.14 has no JSON Feed parser: it runs its XML parser on the bytes whatever the "
        "Content-Type (SAXParseException: not well-formed) and returns no entries; `tracker.jsonfeed` "
        "reads them. (The other JSON Feeds agree: both sides have no entries.)"
    ),
    ("we read an item-less feed that feedparser flags (recoverable error, channel read)"): (
        "documents with no entries whose channel title or link was read despite a recoverable error: an "
        "HTML entity XML does not define (`&nbsp;`: 253 of feedparser's `entities/` tests and 2 of "
        "Miniflux's), a bare `&` in a link, whitespace before the XML declaration (Miniflux's Atom "
        "tests), a declared encoding that does not match the bytes, invalid bytes after a BOM. We count "
        "the feed as read with nothing new (Miniflux's tests expect these to parse); feedparser sets its "
        "bozo flag."
    ),
    (
        "fewer entries: entries with no id, link, title or text dropped, one entry per identity (GUID, "
        "link, or title + text)"
    ): (
        "feedparser keeps every item; we key an entry by its GUID, else its link, else a hash of title "
        "and text, keep one per key, and drop entries with none of them: feedparser's georss tests (items"
        " that hold only coordinates), its sanitizer tests whose only title is an `<img>` that strips to "
        "nothing, atom `content src` entries, two entries with the same title and no id."
    ),
    ("we fail: feedparser's entries have nothing to identify or read (no id, link, title, text)"): (
        "CDF (Microsoft's 1997 Channel Definition Format) items that carry only a LASTMOD date: "
        "feedparser reports no version for them and we refuse a version-less document with nothing to "
        "read."
    ),
}


def report(dirs: list[Path], feeds: dict[str, Any] | None, pages: dict[str, Any] | None, took: float) -> str:
    lines = [
        f"Command: `python bench/peers.py {' '.join(str(d) for d in dirs)}` ({took:.0f} s). Corpora: "
        "kurtmckee/feedparser `tests/`, miniflux/v2 `internal/reader` (testdata and the feeds in its "
        "`*_test.go` files), adbar/trafilatura `tests/cache` and `tests/eval`, as fetched on the day of the "
        "run (not in this repository). Served from 127.0.0.1.",
        "",
        "| what | files | ok | failed | crashes | time | peak RSS: process (holding its corpus) / worker |",
        "|---|---|---|---|---|---|---|",
    ]
    if feeds:
        lines.append(
            f"| feed documents through `poll_feeds` | {feeds['files']} | {feeds['ok']} | "
            f"{feeds['failed']} | {len(feeds['crashes'])} | {feeds['seconds']} s | "
            f"{feeds['peak_rss_mb']} / {feeds['worker_peak_rss_mb']} MB |"
        )
        lines.append(
            f"| of which JSON Feed | {feeds['json']} | {feeds['json'] - feeds['json_failed']} | "
            f"{feeds['json_failed']} | | | |"
        )
    if pages:
        lines.append(
            f"| pages through fetch + extraction ({pages['chunks']} fresh processes) | "
            f"{pages['pages']} | {pages['extracted']} | {pages['pages'] - pages['extracted']} "
            f"(lost to time limits: **{len(pages['lost'])}**) | {len(pages['crashes'])} | "
            f"{pages['seconds']} s | "
            f"{pages['peak_rss_mb']} / {pages['worker_peak_rss_mb']} MB |"
        )
    if feeds:
        lines += ["", "Disagreements with feedparser's own parse of the same bytes (same Content-Type):", ""]
        if not feeds["disagreements"]:
            lines.append("- none")
        for kind, count in feeds["disagreements"].items():
            why = EXPLAINED.get(kind, "**UNEXPLAINED**")
            named = ", ".join(f"`{e}`" for e in feeds["examples"][kind])
            lines.append(f"- {kind}: **{count}** (e.g. {named}). Why: {why}")
        lines += ["", "Why feeds failed (normalized messages, with the files):", ""]
        lines += [
            f"- {count} x `{kind}`: {', '.join(f'`{n}`' for n in feeds['failed_names'][kind][:10])}"
            for kind, count in feeds["errors"].items()
        ] or ["- none"]
        lines += ["", FAILURES_NOTE]
        if feeds["crashes"]:
            lines += ["", "Crashes:", ""] + [f"- {c}" for c in feeds["crashes"][:20]]
    if pages:
        lines += ["", "Pages not extracted, by reason (none of them a time limit unless listed as lost):", ""]
        lines += [f"- {count} x `{kind}`" for kind, count in pages["other"].items()] or ["- none"]
        if pages["lost"]:
            lines += ["", "Lost to time limits:", ""] + [f"- {x}" for x in pages["lost"][:20]]
        if pages["crashes"]:
            lines += ["", "Crashes:", ""] + [f"- {c}" for c in pages["crashes"][:20]]
    return "\n".join(lines) + "\n"


def write_section(out: Path, body: str) -> None:
    """Replace (or add) the `peers` section of docs/benchmarks.md, keeping the others as they are."""
    sys.path.insert(0, str(ROOT / "bench"))
    from run import MARK, _section

    section = _section("peers", body)
    text = out.read_text(encoding="utf-8") if out.exists() else "# Benchmarks\n"
    marker = MARK.format("peers")
    if marker in text:
        head, _, rest = text.partition(marker)
        nxt = rest.find("<!-- bench: ")
        text = head + section + ("\n" + rest[nxt:] if nxt >= 0 else "")
    else:
        text = text.rstrip() + "\n\n" + section
    out.write_text(text, encoding="utf-8")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dirs", nargs="*", type=Path, help="corpus directories")
    ap.add_argument("--chunk", type=int, default=100, help="pages per fresh process")
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    ap.add_argument("--no-write", action="store_true", help="print the section only")
    ap.add_argument("--pages-chunk", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.pages_chunk:
        print(json.dumps(run_pages_chunk(args.pages_chunk)))
        return 0
    dirs = args.dirs or [Path(p) for p in os.environ.get("TRACKER_PEERS", "").split(os.pathsep) if p]
    missing = [d for d in dirs if not d.is_dir()]
    if not dirs or missing:
        gone = ", ".join(map(str, missing)) or "none"
        print(f"_skipped: corpus directories not given or missing ({gone})_")
        return 0
    started = time.perf_counter()
    docs, pages = collect(dirs)
    print(f"{len(docs)} feed documents, {len(pages)} pages", file=sys.stderr)
    feeds = run_feeds(docs) if docs else None
    page_figures = run_pages(pages, args.chunk) if pages else None
    body = report(dirs, feeds, page_figures, time.perf_counter() - started)
    print(body)
    if not args.no_write:
        write_section(args.out, body)
        print(f"wrote the peers section of {args.out}", file=sys.stderr)
    crashes = (len(feeds["crashes"]) if feeds else 0) + (len(page_figures["crashes"]) if page_figures else 0)
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
