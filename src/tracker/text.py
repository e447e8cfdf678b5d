"""Page bytes -> article text and metadata; the relevance test; URL / content / story identities.

trafilatura only ever sees bytes we downloaded, and runs in a worker process under a wall-clock limit
(`Sandbox`): a page that makes the parser spin or balloon is abandoned (the worker is killed and
replaced) and reported as ParseError. The same sandbox runs feedparser for `poll`.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import html
import math
import queue
import re
import threading
import unicodedata
from collections.abc import Callable
from datetime import datetime
from html.parser import HTMLParser
from multiprocessing.connection import Connection
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from pydantic import BaseModel

from .dates import parse_iso
from .errors import ParseError
from .records import Entry

MAX_HTML_BYTES = 10 * 1024 * 1024
MAX_FALLBACK_CHARS = 2_000_000


class PageText(BaseModel):
    """The main text of one page and its metadata."""

    url: str
    canonical_url: str
    title: str = ""
    text: str = ""
    published: datetime | None = None
    site_name: str = ""


# -- sandbox: time- and memory-limited work in worker processes ------------------------------------------


def _worker_main() -> None:
    """Worker process entry (`python -c`): pickled (fn, args) in on stdin, ("ok" | "err", ...) out on stdout.

    A plain interpreter, not multiprocessing's spawn: the caller's __main__ is never re-imported, so any
    script (guarded or not) may use the sandbox. Stray prints of libraries go to /dev/null, not the channel.
    """
    import importlib
    import os
    import resource
    import sys

    channel = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    inbox, outbox = Connection(0, writable=False), Connection(channel, readable=False)
    memory_bytes, preload = int(sys.argv[1]), [m for m in sys.argv[2:] if m]
    if memory_bytes:
        # when not permitted here, the wall-clock limit still holds
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    for name in preload:
        with contextlib.suppress(Exception):  # the task will report an import error itself
            importlib.import_module(name)
    if "trafilatura" in preload:
        # A first extraction builds lazy tables (lxml cleaners, htmldate, charset detection): do it now,
        # before "ready", so it never counts against a page's deadline.
        with contextlib.suppress(Exception):
            _warm_up()
    outbox.send(("ready", None))
    while True:
        try:
            fn, args = inbox.recv()
        except (EOFError, OSError):
            return
        try:
            outbox.send(("ok", fn(*args)))
        except MemoryError:
            outbox.send(("err", "out of memory"))
        except Exception as exc:  # noqa: BLE001 - any failure of untrusted input is reported, never fatal
            outbox.send(("err", f"{type(exc).__name__}: {exc}"[:500]))


class _Worker:
    def __init__(self, memory_bytes: int, preload: tuple[str, ...]) -> None:
        import os
        import subprocess
        import sys

        # the parent's import path, so `tracker` (and whatever module a task's function lives in) resolves
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "from tracker.text import _worker_main; _worker_main()",
                str(memory_bytes),
                *preload,
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
            close_fds=True,
        )
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.outbox = Connection(os.dup(self.proc.stdin.fileno()), readable=False)
        self.inbox = Connection(os.dup(self.proc.stdout.fileno()), writable=False)
        self.proc.stdin.close()
        self.proc.stdout.close()
        self.ready = False
        self.closed = False

    def wait_ready(self, timeout: float) -> None:
        if self.ready:
            return
        if not self.inbox.poll(timeout):
            self.kill()
            raise ParseError("worker process did not start")
        self.inbox.recv()
        self.ready = True

    def send(self, message: Any) -> None:
        self.outbox.send(message)

    def poll(self, timeout: float) -> bool:
        return self.inbox.poll(timeout)

    def recv(self) -> Any:
        return self.inbox.recv()

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        with contextlib.suppress(Exception):
            self.proc.wait(5)
        self.inbox.close()
        self.outbox.close()


class Sandbox:
    """A few worker processes that run picklable functions under a wall-clock limit.

    `run()` is thread-safe and blocking (callers in asyncio use `asyncio.to_thread`). A call that
    overruns its limit, dies, or exceeds the memory limit raises ParseError; its worker is killed and
    replaced, so a pathological input costs one worker restart, never the run.
    """

    def __init__(
        self,
        workers: int = 2,
        *,
        memory_mb: int = 1536,
        preload: tuple[str, ...] = ("trafilatura", "feedparser"),
    ) -> None:
        self._memory = memory_mb * 1024 * 1024
        self._preload = preload
        self._idle: queue.Queue[_Worker | None] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self.restarts = 0
        for _ in range(max(1, workers)):
            self._idle.put(None)  # started lazily

    def run(self, fn: Callable[..., Any], *args: Any, timeout: float) -> Any:
        worker = self._idle.get()
        if worker is not None and worker.closed:
            worker = None
        healthy = False  # a worker goes back to the pool only after a clean round trip
        try:
            if worker is None:
                worker = _Worker(self._memory, self._preload)
                with self._lock:
                    self._all.add(worker)
            worker.wait_ready(120.0)  # start-up and imports do not count against the task's limit
            worker.send((fn, args))
            if not worker.poll(timeout):
                raise ParseError(f"gave up after {timeout:g} s")
            kind, payload = worker.recv()
            healthy = True
        except ParseError:
            raise
        except (EOFError, OSError):
            raise ParseError("worker process died (memory or crash)") from None
        except Exception as exc:  # noqa: BLE001 - e.g. a result that cannot be unpickled
            raise ParseError(f"worker failure: {type(exc).__name__}: {exc}") from None
        finally:
            if not healthy:  # timed out, died, or interrupted mid-task: never reuse it
                self._discard(worker)
                worker = None
            self._idle.put(worker)
        if kind != "ok":
            raise ParseError(str(payload))
        return payload

    def _discard(self, worker: _Worker | None) -> None:
        if worker is None:
            return
        self.restarts += 1
        with self._lock:
            self._all.discard(worker)
        worker.kill()

    def close(self) -> None:
        """Kill every worker; the sandbox stays usable (workers start again on demand)."""
        with self._lock:
            workers, self._all = list(self._all), set()
        for worker in workers:
            worker.kill()
            worker.closed = True


_sandbox: Sandbox | None = None
_sandbox_lock = threading.Lock()


def sandbox() -> Sandbox:
    """The process-wide sandbox (two workers at most: the machine also embeds)."""
    global _sandbox
    with _sandbox_lock:
        if _sandbox is None:
            import os

            _sandbox = Sandbox(workers=max(1, min(2, os.cpu_count() or 1)))
            atexit.register(_sandbox.close)
        return _sandbox


# -- page extraction -------------------------------------------------------------------------------------


_WARM_PAGE = (
    b"<html><head><title>Warm-up</title><meta property='article:published_time' content='2026-01-02'>"
    b"</head><body><article><h1>Warm-up</h1><p>Published on 2 January 2026. "
    + b"This paragraph only warms the extractor before its first real page. " * 6
    + b"</p></article></body></html>"
)


_WARMED = False  # set in a worker once its warm-up extraction ran


def _warm_up() -> None:
    """One throw-away extraction in a fresh worker (see `_worker_main`)."""
    global _WARMED
    _extract_in_worker(_WARM_PAGE, "http://warm-up.invalid/")
    _WARMED = True


def _extract_in_worker(data: bytes, url: str) -> dict[str, Any] | None:
    """Runs in a worker: trafilatura on bytes (it never fetches anything when given content).

    htmldate's extensive search is off: it guesses dates from free text through dateparser, whose
    locale tables take seconds to build in a fresh process, and a year guessed from a page's text is
    not a publication date anyway. The date we keep comes from the page's explicit metadata only
    (`_explicit_date`); trafilatura's own guess is ignored.
    """
    import trafilatura
    from lxml import html as lxml_html

    doc = trafilatura.bare_extraction(
        data,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=False,
        deduplicate=False,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    if doc is None:
        return None
    d = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    out = {k: d.get(k) for k in ("title", "text", "sitename", "url")}
    try:
        out["date"] = _explicit_date(lxml_html.fromstring(data))
    except Exception:  # noqa: BLE001 - unparsable markup has no explicit date
        out["date"] = None
    return out


# <meta name|property|itemprop=...> values that state when an article was first published
_META_DATE_KEYS = frozenset(
    {
        "article:published_time",
        "article:published",
        "article:published_date",
        "article:post_date",
        "og:published_time",
        "og:article:published_time",
        "og:pubdate",
        "og:publish_date",
        "datepublished",
        "date_published",
        "datecreated",
        "date",
        "pubdate",
        "publishdate",
        "publish_date",
        "publish-date",
        "published_date",
        "published-date",
        "published_time",
        "publication_date",
        "dc.date",
        "dc.date.issued",
        "dc.date.created",
        "dc.created",
        "dc:date",
        "dc:created",
        "dcterms.date",
        "dcterms.issued",
        "dcterms.created",
        "citation_publication_date",
        "citation_date",
        "parsely-pub-date",
        "sailthru.date",
        "rnews:datepublished",
    }
)
_JSON_LD_DATE_TYPES = (
    "article",
    "newsarticle",
    "blogposting",
    "reportagenewsarticle",
    "techarticle",
    "analysisnewsarticle",
    "webpage",
    "scholarlyarticle",
    "report",
    "liveblogposting",
)


def _explicit_date(tree: Any) -> str | None:
    """The publication date a page states in machine-readable form, as ISO 8601; else None.

    Looked for, in order: JSON-LD `datePublished` of an article-like object, <meta> publication tags,
    <time datetime> marked `itemprop=datePublished` or `pubdate`. Free text is never read.
    """
    import json

    for script in tree.xpath("//script[@type='application/ld+json']")[:20]:
        try:
            data = json.loads(script.text_content() or "null")
        except (ValueError, RecursionError):
            continue
        stack = [data]
        for _ in range(200):  # bounded walk over @graph / nested objects
            if not stack:
                break
            node = stack.pop()
            if isinstance(node, list):
                stack.extend(node[:50])
            elif isinstance(node, dict):
                kind = node.get("@type")
                kinds = [str(k).lower() for k in (kind if isinstance(kind, list) else [kind])]
                value = node.get("datePublished")
                if isinstance(value, str) and any(k in _JSON_LD_DATE_TYPES for k in kinds):
                    when = _normal_date(value)
                    if when:
                        return when
                stack.extend(v for k, v in node.items() if k == "@graph" or isinstance(v, list | dict))
    for meta in tree.xpath("//meta[@content]")[:500]:
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
        if key in _META_DATE_KEYS:
            when = _normal_date(meta.get("content") or "")
            if when:
                return when
    for node in tree.xpath("//time[@datetime][@itemprop='datePublished' or @pubdate]")[:20]:
        when = _normal_date(node.get("datetime") or "")
        if when:
            return when
    return None


def _normal_date(value: str) -> str | None:
    """ISO 8601 / RFC 2822 text -> ISO 8601 (UTC when it has a zone); None when not a full date."""
    from email.utils import parsedate_to_datetime

    text = value.strip()[:64]
    if len(text) < 8:
        return None  # a bare year or month is not a publication date
    iso = text[:-1] + "+00:00" if text[-1:] in ("Z", "z") else text
    when: datetime | None
    try:
        when = datetime.fromisoformat(iso)
    except ValueError:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    if when is None or not 1990 <= when.year <= 2100:
        return None
    return when.isoformat()


def extract_page(data: bytes, url: str, *, timeout: float = 10.0) -> PageText:
    """Main text and metadata of a downloaded page; ParseError when empty, invalid or too slow."""
    if len(data) > MAX_HTML_BYTES:
        raise ParseError(f"page of {len(data)} bytes is over the {MAX_HTML_BYTES} byte limit")
    if not data.strip():
        raise ParseError("empty page")
    result = sandbox().run(_extract_in_worker, data, url, timeout=timeout)
    if not result or not (result.get("text") or "").strip():
        raise ParseError("no main text found")
    own = canonical_url(url)
    declared = result.get("url")
    # A page may only name a canonical URL on its own host, or it could claim another site's article.
    if isinstance(declared, str) and _same_host(declared, url):
        own = canonical_url(declared)
    return PageText(
        url=url,
        canonical_url=own,
        title=clean_text(result.get("title") or "").strip()[:500],
        text=clean_text(result["text"]).strip(),
        published=parse_iso(result.get("date"), utc=True),
        site_name=clean_text(result.get("sitename") or "").strip()[:200],
    )


def _same_host(a: str, b: str) -> bool:
    try:
        pa, pb = urlsplit(a), urlsplit(b)
    except ValueError:
        return False
    return pa.scheme in ("http", "https") and bool(pa.hostname) and pa.hostname == pb.hostname


class _TextParser(HTMLParser):
    """HTML -> text with line breaks at block elements; script / style dropped. Linear time."""

    BLOCK = frozenset(
        {
            "p",
            "div",
            "br",
            "li",
            "ul",
            "ol",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "tr",
            "table",
            "section",
            "article",
            "blockquote",
            "pre",
            "hr",
            "header",
            "footer",
            "dd",
            "dt",
            "figcaption",
        }
    )
    SKIP = frozenset({"script", "style", "template", "noscript", "head", "title"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in self.SKIP:
            self.skip += 1
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def strip_html(markup: str) -> str:
    """Visible text of an HTML fragment, paragraphs kept as lines."""
    markup = markup[:MAX_FALLBACK_CHARS]
    if "<" not in markup:
        text = html.unescape(markup)
    else:
        parser = _TextParser()
        try:
            parser.feed(markup)
            parser.close()
        except Exception:  # noqa: BLE001 - malformed markup: fall back to dropping tags
            return clean_text(re.sub(r"<[^>]*>", " ", markup))
        text = "".join(parser.parts)
    lines = (" ".join(line.split()) for line in text.splitlines())
    return clean_text("\n".join(line for line in lines if line))


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean_text(text: str) -> str:
    """Drop control characters (terminal escapes included); keep newlines and tabs."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def page_from_entry(entry: Entry) -> PageText:
    """The fallback when the page fails: the feed's own content (or title), HTML stripped."""
    url = entry.link or entry.guid
    text = strip_html(entry.content or "")
    return PageText(
        url=url,
        canonical_url=canonical_url(url) if url.lower().startswith(("http://", "https://")) else url,
        title=strip_html(entry.title or "")[:500],
        text=text,
        published=entry.published,
        site_name="",
    )


# -- identities ------------------------------------------------------------------------------------------

TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "ref",
        "ref_src",
        "ref_url",
        "referrer",
        "_hsenc",
        "_hsmi",
        "hsctatracking",
        "mkt_tok",
        "oly_anon_id",
        "oly_enc_id",
        "vero_id",
        "vero_conv",
        "wickedid",
        "ncid",
        "cmpid",
        "sr_share",
        "spm",
        "_ga",
        "_gl",
        "rss",
        "guccounter",
        "guce_referrer",
        "guce_referrer_sig",
        "s_cid",
        "ito",
        "share",
        "si",
    }
)
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "at_", "ga_")


def canonical_url(url: str) -> str:
    """One spelling per page: lower-case scheme and host, no default port, fragment or tracking params,
    sorted query. Non-URLs come back stripped."""
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    if not scheme or not host:
        return url
    if ":" in host:
        host = f"[{host}]"
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k.lower() not in TRACKING_PARAMS and not k.lower().startswith(TRACKING_PREFIXES)
    ]
    query.sort()
    return urlunsplit((scheme, host, parts.path or "/", urlencode(query), ""))


def normalize_text(text: str) -> str:
    """Case-, width- and whitespace-insensitive form of a text."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def content_hash(text: str) -> str:
    """sha256 of the normalized text: the same article under two URLs hashes the same."""
    return hashlib.sha256(normalize_text(text).encode("utf-8")).hexdigest()


# -- syndication: simhash --------------------------------------------------------------------------------

_WORD = re.compile(r"\w+")


def story_fingerprint(text: str) -> int:
    """64-bit simhash over word 3-shingles, as a signed int (fits an SQLite INTEGER).

    Near-identical texts (a syndicated copy with another byline, intro or footer) differ in few bits;
    unrelated texts differ in about 32. Measured on the dev launch articles: a copy with a byline, a
    footer and one paragraph dropped differs by at most 13 bits (mean 6); two different launch articles
    by at least 19 (5th percentile 25). Hence fingerprint.SAME_STORY_BITS = 12.
    """
    words = _WORD.findall(normalize_text(text))
    if len(words) < 3:
        shingles = [" ".join(words)]
    else:
        shingles = [" ".join(words[i : i + 3]) for i in range(len(words) - 2)]
    counts = [0] * 64
    for shingle in set(shingles):
        h = int.from_bytes(hashlib.blake2b(shingle.encode("utf-8"), digest_size=8).digest(), "big")
        for bit in range(64):
            counts[bit] += 1 if (h >> bit) & 1 else -1
    value = sum(1 << bit for bit in range(64) if counts[bit] > 0)
    return value - (1 << 64) if value >= 1 << 63 else value


# -- relevance -------------------------------------------------------------------------------------------

# A transparent score: each *distinct* cue counts once, a cue in the title counts double. An article is
# about AI models when it has an AI cue (or names a model family), a model-spec cue, and enough weight.
_AI_CUES = {
    "ai": r"\bai\b|\ba\.i\.",
    "artificial intelligence": r"artificial intelligence",
    "llm": r"\bllms?\b",
    "language model": r"language models?",
    "machine learning": r"machine learning",
    "generative": r"\bgenerative\b|\bgenai\b",
    "chatbot": r"\bchat ?bots?\b|\bassistant model",
    "foundation model": r"foundation models?|frontier models?",
    "neural": r"\bneural network",
    "deep learning": r"deep learning",
    "transformer": r"\btransformer (?:model|architecture)",
    "multimodal": r"\bmulti-?modal\b",
    "reasoning model": r"reasoning models?",
    "open model": r"open[- ]weights?\b|open[- ]source models?|open models?",
    "vision-language": r"vision[- ]language|text-to-(?:image|video|speech)|speech model",
    "embedding model": r"embedding models?",
}
_SPEC_CUES = {
    "params": r"\b\d+(?:\.\d+)?\s?(?:b|m|t|billion|million|trillion)\b[- ]?(?:total |active )?param",
    "parameters": r"\bparameters?\b",
    "context": r"context (?:window|length)|\bcontext of\b",
    "tokens": r"\btokens?\b",
    "benchmark": r"\bbenchmarks?\b|\bleaderboard\b|\belo\b",
    "bench names": r"\b(?:mmlu|gsm8k|humaneval|swe-?bench|gpqa|hellaswag|livecodebench|aime|mmmu|"
    r"arc-(?:agi|challenge)|math-500|mbpp|bigbench|chatbot arena|lmarena|ifeval|"
    r"terminal-bench|tau-bench|simpleqa)\b",
    "weights": r"\bweights\b|\bcheckpoints?\b|hugging ?face",
    "model card": r"model card|system card",
    "fine-tune": r"fine-?tun|post-?train|pre-?train|\brlhf\b|distill",
    "moe": r"mixture[- ]of[- ]experts|\bmoe\b|\bexperts\b",
    "inference": r"\binference\b|quantiz",
    "gpus": r"\b(?:gpus?|tpus?|h100s?|h200s?|a100s?|b200s?|gb200|nvidia|accelerators?)\b",
    "api": r"\bapi\b|per million (?:input |output )?tokens|\bplayground\b",
    "model release": r"(?:new|latest|open|flagship|frontier|smaller|largest|base|instruct) models?\b",
    "license": r"apache 2\.0|\bmit licen[cs]e|open licen[cs]e|community licen[cs]e",
}
_LAUNCH_CUES = {
    "launch": r"\blaunch(?:es|ed|ing)?\b",
    "release": r"\breleas(?:e|es|ed|ing)\b",
    "announce": r"\bannounc(?:e|es|ed|ing)\b",
    "introduce": r"\bintroduc(?:e|es|ed|ing)\b",
    "unveil": r"\bunveil(?:s|ed|ing)?\b",
    "available": r"\bavailable\b|\bpreview\b|\bopen-sourc",
}
_COMPILED = {
    group: {name: re.compile(rx, re.IGNORECASE) for name, rx in cues.items()}
    for group, cues in (("ai", _AI_CUES), ("spec", _SPEC_CUES), ("launch", _LAUNCH_CUES))
}
_WEIGHTS = {"ai": 2.0, "spec": 1.5, "launch": 0.5}
RELEVANCE_THRESHOLD = 7.0


def _model_families(text: str) -> set[str]:
    """Model families the text names, found by the shape of their names (no list of known brands)."""
    from .claims import find_model_mentions  # the name recognizer is the claims stage's; loaded on first use

    mentions = [m for m in find_model_mentions(text) if m.kind != "reference"]
    return {m.family.lower() or m.canonical.lower() for m in mentions}


def relevance(title: str, text: str) -> dict[str, Any]:
    """The relevance score and the cues behind it (for debugging and `is_relevant`)."""
    body = text[:20_000]  # the lede decides; a long page cannot accumulate cues by sheer length
    cues: dict[str, list[str]] = {}
    score = 0.0
    for group, patterns in _COMPILED.items():
        found = []
        for name, rx in patterns.items():
            in_title = bool(rx.search(title))
            hits = len(rx.findall(body))
            if in_title or hits:
                found.append(name)
                # repeated mentions help a little (log), the title doubles
                score += _WEIGHTS[group] * (1 + 0.5 * math.log1p(min(hits, 20)) + (1 if in_title else 0))
        cues[group] = found
    families = _model_families(body)
    cues["family"] = sorted(families)
    if families:
        in_title = bool(_model_families(title))
        score += 3.0 + (3.0 if in_title else 0.0) + min(len(families) - 1, 3)
    return {"score": round(score, 2), "cues": cues}


def is_relevant(title: str, text: str) -> bool:
    """Keep articles about AI models (launches, specs); reject cooking, politics, sport and the like."""
    info = relevance(title, text)
    cues = info["cues"]
    about_ai = bool(cues["ai"]) or bool(cues["family"])
    about_models = len(cues["spec"]) >= 2 or (bool(cues["family"]) and len(cues["spec"]) >= 1)
    return about_ai and about_models and info["score"] >= RELEVANCE_THRESHOLD
