"""Ingest, wired end to end: feeds -> pages -> text -> claims -> store -> index.

`ingest` polls the feeds of feeds.yaml, `add_documents` takes local files or single URLs; both store each
article with its claims in one transaction and then bring the vector index up to date. The other
functions (`status`, `list_models`, `export_claims`, `reindex`) are the read-side helpers of the CLI.
Nothing here prints or exits: the CLI turns the returned reports into lines and exit codes.

Crash safety: an article and its claims commit together; a feed's ETag / Last-Modified is saved only after
every entry of that feed is stored, so a run killed at any instant leaves the feed to be fetched again and
the next run converges (known entries are skipped, the index is re-synced from SQLite).
"""

from __future__ import annotations

import csv
import io
import json
import logging
import os
import socket
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from time import perf_counter
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field

from .config import FeedsConfig, Paths
from .errors import FetchError, ParseError, StoreError, TrackerError, UsageError
from .feedstate import feed_health
from .records import Article, Claim, Entry
from .store import DuplicateArticle, Store, utcnow

if TYPE_CHECKING:
    from .text import PageText

log = logging.getLogger(__name__)

# progress(stage, done, total), each stage advancing as it goes: "feeds" (polled), "pages" (fetched and
# their text extracted; the total grows as feeds are parsed), "articles" (judged, claims extracted, stored
# or skipped), "index" (claims embedded); total None when unknown.
Progress = Callable[[str, int, int | None], None]

MAX_PAGE_TRIES = 3  # runs in a row a page may be given up on (time limit) before the feed's text is kept
PAGE_RETRIES_KEY = "page_retries"  # meta: {page url: runs in a row it was given up on}
LAST_GIVEN_UP_KEY = "pages_given_up_last_run"  # meta: how many pages the last ingest gave up on


# -- crash hook (tests and bench/crash.py) ------------------------------------------------------------
_crash_hits: Counter[str] = Counter()


def crash_due(name: str) -> bool:
    """Count a pass through crash point `name`; True when TRACKER_CRASH_AT says to die on this pass.

    TRACKER_CRASH_AT is "name" (first pass) or "name:N" (Nth pass). A no-op unless the variable is set.
    """
    wanted = os.environ.get("TRACKER_CRASH_AT")
    if not wanted:
        return False
    point, _, nth = wanted.partition(":")
    if point != name:
        return False
    _crash_hits[name] += 1
    return _crash_hits[name] >= int(nth or 1)


def crash_point(name: str) -> None:
    """Die like `kill -9` here when TRACKER_CRASH_AT names this point (see crash_due).

    Named points: "after_commit" (an article is committed, nothing else yet), "before_feed_state",
    "before_index" (pipeline); "mid_index_write" and "before_rename" (index save, hooked by
    bench/crash_driver.py or called by index.py).
    """
    if crash_due(name):
        os._exit(137)


# -- reports ------------------------------------------------------------------------------------------
class FeedLine(BaseModel):
    """What happened to one feed in one run."""

    name: str
    url: str
    outcome: Literal["ok", "not_modified", "error", "backoff"]
    entries: int = 0  # new entries the poller handed over
    articles_new: int = 0
    error: str | None = None


class IngestReport(BaseModel):
    """The outcome of `ingest` / `add_documents`."""

    feeds: list[FeedLine] = Field(default_factory=list)
    feeds_ok: int = 0
    feeds_failed: int = 0
    articles_new: int = 0
    claims_new: int = 0
    duplicates: int = 0
    off_topic: int = 0
    failed_items: int = 0  # entries whose page and feed text were both unusable
    pages_given_up: int = 0  # pages abandoned at a time / memory limit: not stored, retried next run
    pages_retry: list[str] = Field(default_factory=list)  # their URLs
    indexed: int = 0  # claims embedded into the index in this run
    missing: list[str] = Field(default_factory=list)  # add_documents: files or URLs that could not be read
    errors: list[str] = Field(default_factory=list)  # one line per item that failed
    seconds: dict[str, float] = Field(default_factory=dict)  # per stage: poll, claims, store, index, total

    def add_time(self, stage: str, seconds: float) -> None:
        self.seconds[stage] = round(self.seconds.get(stage, 0.0) + seconds, 4)


# -- ingest -------------------------------------------------------------------------------------------
# A poller's hold on a feed it leased: long enough to poll and store one batch; when a poller is killed,
# its feeds are polled by the next poller after this. TRACKER_LEASE_SECONDS overrides it (tests, bench).
LEASE_SECONDS = 600.0
LEASE_BATCH = 8  # PostgreSQL: feeds leased at a time by one poller


def _lease_seconds() -> float:
    try:
        return float(os.environ.get("TRACKER_LEASE_SECONDS") or LEASE_SECONDS)
    except ValueError:
        return LEASE_SECONDS


def _feed_batches(store: Store, config: FeedsConfig, owner: str) -> Iterator[list[str]]:
    """The feeds this poller leases, a batch at a time, until none is left for it (PostgreSQL: several
    pollers share one store; pollers started together split the feeds between them). SQLite has one
    poller and polls every feed at once, without leases, as it always did."""
    round_started, remaining = utcnow(), [f.url for f in config.enabled_feeds]
    while claimed := store.claim_feeds(
        remaining, owner, lease_seconds=_lease_seconds(), round_started=round_started, limit=LEASE_BATCH
    ):
        yield claimed
        taken = set(claimed)
        remaining = [u for u in remaining if u not in taken]


def ingest(
    config: FeedsConfig,
    paths: Paths,
    *,
    now: datetime | None = None,
    progress: Progress | None = None,
    embedder: Any = None,
) -> IngestReport:
    """Poll every enabled feed, store new on-topic articles with their claims, then sync the index.

    Returns the report; `report.feeds_failed > 0` means a partial failure (the CLI exits 3). Raises
    StoreError / IndexError_ only on fatal trouble.
    """
    from .poll import page_given_up, poll_feeds

    now = now or utcnow()
    started = perf_counter()
    report = IngestReport()
    paths.ensure()
    with Store.open(paths, "write") as store:
        run_id = store.start_run()
        before = store.max_claim_id()
        states = {s["url"]: s for s in store.feed_states()}
        known_guids, known_urls = store.known_keys()

        def is_known(entry: Entry) -> bool:
            if entry.guid and (entry.feed_url, entry.guid) in known_guids:
                return True
            return entry.link is not None and _url_known(entry.link, known_urls)

        retries = _load_retries(store)
        total_items = done = 0
        owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        leasing = store.dialect == "postgresql"
        for claimed in _feed_batches(store, config, owner) if leasing else [[f.url for f in config.feeds]]:
            mine = set(claimed)
            leased = config.model_copy(update={"feeds": [f for f in config.feeds if f.url in mine]})
            t = perf_counter()
            results = poll_feeds(leased, states, is_known=is_known, now=now, counters=progress)
            report.add_time("poll", perf_counter() - t)
            total_items += sum(len(r.items) for r in results)
            if progress and total_items:
                progress("articles", done, total_items)
            for result in results:
                line = FeedLine(
                    name=result.feed.name,
                    url=result.feed.url,
                    outcome=result.outcome,
                    entries=len(result.items),
                    error=result.error,
                )
                retry_feed = False  # some entry could not be read: fetch the whole feed again next run
                for item in result.items:
                    page = item.page
                    lost_url = item.entry.link or item.entry.guid
                    if page_given_up(item.error):
                        report.pages_given_up += 1
                        report.errors.append(f"{lost_url}: {item.error}")
                        retries[lost_url] = retries.get(lost_url, 0) + 1
                        if retries[lost_url] < MAX_PAGE_TRIES:
                            # Not stored from the feed's text (that would mark it seen): the next run
                            # refetches the feed and tries the page again.
                            report.pages_retry.append(lost_url)
                            retry_feed = True
                            done += 1
                            if progress:
                                progress("articles", done, total_items)
                            continue
                        # given up on too often: keep what the feed says, stop retrying
                    retries.pop(lost_url, None)
                    if (page is None or not page.text.strip()) and item.entry.content.strip():
                        page = _page_from_entry(item.entry)
                    if page is None or not page.text.strip():
                        # Only a title (the page failed and the feed has no text): nothing to judge or store.
                        report.failed_items += 1
                        report.errors.append(
                            f"{item.entry.link or item.entry.guid}: {item.error or 'no text'}"
                        )
                        retry_feed = True
                    else:
                        new = _store_page_safely(
                            store,
                            report,
                            page,
                            entry=item.entry,
                            source=result.feed.name,
                            published=article_date(item.entry.published, page),
                            filter_topic=True,
                            remember_skip=item.error is None,
                        )
                        line.articles_new += int(new)
                        # A fallback text judged off-topic may hide an on-topic page: look again next run.
                        retry_feed |= not new and item.error is not None
                    done += 1
                    if progress:
                        progress("articles", done, total_items)
                crash_point("before_feed_state")
                if result.state:
                    state = {k: v for k, v in result.state.items() if k in Store.FEED_FIELDS}
                    state.setdefault("name", result.feed.name)
                    if retry_feed:
                        # Some entries could not be read this time: drop the cache validators so the next run
                        # downloads the feed again (no 304) and retries them; the stored ones are skipped.
                        state.update(etag=None, last_modified=None)
                    store.save_feed_state(result.feed.url, **state)
                if leasing:
                    store.release_feed(result.feed.url, owner)
                report.feeds.append(line)
                if result.outcome in ("ok", "not_modified"):
                    report.feeds_ok += 1
                else:
                    report.feeds_failed += 1
        _save_retries(store, retries, report.pages_given_up)
        store.finish_run(
            run_id,
            feeds_ok=report.feeds_ok,
            feeds_failed=report.feeds_failed,
            articles_new=report.articles_new,
            claims_new=report.claims_new,
        )
        crash_point("before_index")
        # Embed our own claims and any left without a vector before this run; claims other pollers are
        # storing right now get their vectors from them (copied by this host's next sync), never twice.
        mine = set(store.added_claim_ids)
        _sync_index(store, paths, report, progress, embedder, only=lambda cid: cid <= before or cid in mine)
    report.add_time("total", perf_counter() - started)
    return report


def _url_known(link: str, known_urls: set[str]) -> bool:
    if link in known_urls:
        return True
    from .text import canonical_url

    try:
        return canonical_url(link) in known_urls
    except Exception:  # noqa: BLE001 - a malformed link is simply not known
        return False


def article_date(feed_date: datetime | None, page: PageText) -> datetime | None:
    """The feed's own date wins; the page's date (explicit metadata only, see text._explicit_date) is
    used only when the feed entry has none."""
    return feed_date or page.published


def _load_retries(store: Store) -> dict[str, int]:
    try:
        data = json.loads(store.get_meta(PAGE_RETRIES_KEY) or "{}")
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): int(v) for k, v in data.items() if isinstance(v, int)}


def _save_retries(store: Store, retries: dict[str, int], given_up: int) -> None:
    """Remember the pages given up on (for the next run's retry cap and for `status`)."""
    store.set_meta(PAGE_RETRIES_KEY, json.dumps(dict(sorted(retries.items())[:5000])))
    store.set_meta(LAST_GIVEN_UP_KEY, str(given_up))


def _page_from_entry(entry: Entry) -> PageText | None:
    from .text import page_from_entry

    try:
        return page_from_entry(entry)
    except (ParseError, ValueError) as exc:
        log.info("feed text of %s unusable: %s", entry.link, exc)
        return None


def _store_page_safely(store: Store, report: IngestReport, page: PageText, **kwargs: Any) -> bool:
    """`_store_page`, except that one article that breaks a stage is recorded and skipped, not fatal.

    Store trouble stays fatal (the run cannot go on without its database).
    """
    try:
        return _store_page(store, report, page, **kwargs)
    except Exception as exc:  # noqa: BLE001 - one hostile page must not stop the run
        if isinstance(exc, (StoreError, *store.errors)):
            raise
        log.warning("skipped %s: %s: %s", page.url, type(exc).__name__, exc, exc_info=log.isEnabledFor(10))
        report.failed_items += 1
        report.errors.append(f"{page.url}: {type(exc).__name__}: {exc}")
        return False


def _store_page(
    store: Store,
    report: IngestReport,
    page: PageText,
    *,
    entry: Entry | None,
    source: str,
    published: datetime | None,
    filter_topic: bool,
    remember_skip: bool = True,
) -> bool:
    """Relevance, dedupe, story link, claims, one transaction. True when a new article was stored."""
    from .claims import read_article
    from .text import canonical_url, content_hash, is_relevant

    t = perf_counter()
    url = page.url or (entry.link if entry and entry.link else "")
    canonical = page.canonical_url or canonical_url(url)
    feed_url = entry.feed_url if entry else None
    guid = entry.guid if entry else None
    title = page.title or (entry.title if entry else "")
    text = page.text
    if feed_url and not canonical.lower().startswith(("http://", "https://", "file://")):
        # An entry with no link: its GUID is only unique within its feed, so key it by both.
        canonical = url = f"{feed_url}#guid={guid or content_hash(text)}"
    if filter_topic and not is_relevant(title, text):
        report.off_topic += 1
        if remember_skip:  # judged on the real page: do not fetch it again
            store.mark_skipped("off_topic", feed_url=feed_url, guid=guid, urls=(url, canonical))
        report.add_time("text", perf_counter() - t)
        return False
    digest = content_hash(text)
    if store.find_article(canonical_url=canonical, content_hash=digest) is not None or (
        url != canonical and store.find_article(canonical_url=url) is not None
    ):
        report.duplicates += 1
        if remember_skip:
            store.mark_skipped("duplicate", feed_url=feed_url, guid=guid, urls=(url, canonical))
        report.add_time("text", perf_counter() - t)
        return False
    fingerprint, story_id = _story(store, text)
    report.add_time("text", perf_counter() - t)

    t = perf_counter()
    claims, mentions = read_article(text, published)
    aliases = sorted({(m.surface, m.canonical) for m in mentions if m.surface and m.canonical})
    report.add_time("claims", perf_counter() - t)

    t = perf_counter()
    article = Article(
        url=url,
        canonical_url=canonical,
        title=title,
        source=page.site_name or source,
        feed_url=feed_url,
        guid=guid,
        published=published,
        text=text,
        content_hash=digest,
        story_id=story_id,
    )
    try:
        _add_article(store, article, claims, aliases, fingerprint)
    except DuplicateArticle:  # another process stored the same canonical URL meanwhile
        report.duplicates += 1
        return False
    report.add_time("store", perf_counter() - t)
    crash_point("after_commit")
    report.articles_new += 1
    report.claims_new += len(claims)
    return True


def _story(store: Store, text: str) -> tuple[int | None, int | None]:
    """The story fingerprint of a text and the story it belongs to, when the store already has it."""
    from .text import story_fingerprint

    fingerprint = story_fingerprint(text)
    story_id = store.find_story(fingerprint) if fingerprint else None
    return fingerprint, story_id


def _add_article(
    store: Store,
    article: Article,
    claims: list[Claim],
    aliases: list[tuple[str, str]],
    fingerprint: int | None,
) -> int:
    """One transaction: the article with its story fingerprint, claims and model aliases."""
    article_id, _ = store.add_article(article, claims, aliases=aliases, fingerprint=fingerprint)
    return article_id


def _sync_index(
    store: Store,
    paths: Paths,
    report: IngestReport,
    progress: Progress | None,
    embedder: Any,
    only: Callable[[int], bool] | None = None,
) -> None:
    """Bring the FAISS index up to date with the store (stored vectors copied; `only`: which claims
    without one may be embedded now)."""
    t = perf_counter()
    from .index import open_index

    index = open_index(paths, embedder)
    report.indexed = int(index.sync(store, embedder, _index_progress(progress), embed_only=only) or 0)
    report.add_time("index", perf_counter() - t)


def _index_progress(progress: Progress | None) -> Callable[[int, int], None] | None:
    if progress is None:
        return None

    def on_batch(done: int, total: int) -> None:
        progress("index", done, total)

    return on_batch


# -- add ----------------------------------------------------------------------------------------------
def add_documents(
    sources: Iterable[str],
    paths: Paths,
    *,
    published: date | None = None,
    config: FeedsConfig | None = None,
    progress: Progress | None = None,
    embedder: Any = None,
    filter_topic: bool = True,
) -> IngestReport:
    """Store local .txt / .html files or single page URLs as articles, with their claims, then index.

    A .txt file is stored byte-exact (decoded as UTF-8), so claim offsets point into the file. Sources that
    cannot be read are listed in `report.missing`; the others are still stored. Re-adding stores nothing.
    Like ingest, only on-topic sources are stored unless `filter_topic` is False (`add --force`); each
    off-topic one adds an error line ending in ADD_OFF_TOPIC_HINT.
    """
    started = perf_counter()
    report = IngestReport()
    sources = list(sources)
    when = datetime(published.year, published.month, published.day, tzinfo=UTC) if published else None
    paths.ensure()
    with Store.open(paths, "write") as store:
        run_id = store.start_run()
        for n, source in enumerate(sources, start=1):
            try:
                page, site = _load_source(source, config)
            except (UsageError, FetchError, ParseError) as exc:
                report.missing.append(source)
                report.errors.append(str(exc) if source in str(exc) else f"{source}: {exc}")
            else:
                failed, off_topic = report.failed_items, report.off_topic
                _store_page_safely(
                    store,
                    report,
                    page,
                    entry=None,
                    source=site,
                    published=when or page.published,
                    filter_topic=filter_topic,
                    remember_skip=False,
                )
                if report.failed_items > failed:  # read but not storable: the user must hear of it
                    report.missing.append(source)
                if report.off_topic > off_topic:
                    report.errors.append(f"{source}: not about AI models; {ADD_OFF_TOPIC_HINT}")
            if progress:
                progress("articles", n, len(sources))
        store.finish_run(run_id, articles_new=report.articles_new, claims_new=report.claims_new)
        if report.articles_new:
            _sync_index(store, paths, report, progress, embedder)
    report.add_time("total", perf_counter() - started)
    return report


def _load_source(source: str, config: FeedsConfig | None) -> tuple[PageText, str]:
    """A PageText for a path or an http(s) URL, and the site name to cite it by."""
    from .text import PageText, extract_page

    if source.lower().startswith(("http://", "https://")):
        from urllib.parse import urlsplit

        from .fetch import AddressPolicy, Limits, fetch_bytes

        allow = config.allow_private if config is not None else False
        result = fetch_bytes(source, AddressPolicy(allow), Limits())
        page = extract_page(result.body, getattr(result, "url", None) or source)
        return page, urlsplit(source).hostname or ""
    path = Path(source).expanduser()
    if not path.is_file():
        raise UsageError(f"{'not a file' if path.exists() else 'no such file'}: {source}")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {source}: {exc.strerror}") from None
    uri = path.resolve().as_uri()
    if path.suffix.lower() in (".html", ".htm", ".xhtml"):
        page = extract_page(raw, uri)
        if not page.title:
            page = page.model_copy(update={"title": path.stem}) if hasattr(page, "model_copy") else page
        return page, "local file"
    # Plain text: kept exactly as it is on disk (no newline translation, no stripping) for exact offsets.
    text = raw.decode("utf-8", errors="replace")
    if not text.strip():
        raise UsageError(f"{source}: empty file")
    return PageText(
        url=uri, canonical_url=uri, title=path.stem, text=text, published=None, site_name="local file"
    ), "local file"


ADD_OFF_TOPIC_HINT = "use --force to store it anyway"


def forget_articles(paths: Paths, keys: Iterable[str]) -> tuple[list[dict[str, Any]], list[str]]:
    """Remove the articles named by id or URL, with their claims, then drop their vectors from the index.

    Returns (removed articles, keys that matched nothing). Ingest will not store them again.
    """
    from .text import canonical_url

    removed: list[dict[str, Any]] = []
    unknown: list[str] = []
    if not Store.exists(paths):
        return removed, list(keys)
    paths.ensure()
    with Store.open(paths, "write") as store:
        for key in keys:
            ids = store.article_ids_for(key)
            if not ids and key.lower().startswith(("http://", "https://")):
                try:
                    ids = store.article_ids_for(canonical_url(key))
                except Exception:  # noqa: BLE001 - a malformed URL simply matches nothing
                    ids = []
            if not ids and Path(key).expanduser().is_file():
                ids = store.article_ids_for(Path(key).expanduser().resolve().as_uri())  # `tracker add FILE`
            found = [a for a in (store.delete_article(i) for i in ids) if a is not None]
            removed.extend(found)
            if not found:
                unknown.append(key)
        if removed and (paths.index_dir.exists()):
            _sync_index(store, paths, IngestReport(), None, None)  # drops the vectors of removed claims
    return removed, unknown


def copy_database(paths: Paths, to: str) -> dict[str, Any]:
    """`tracker db copy --to TARGET`: this store (SQLite file or PostgreSQL) into TARGET, a postgresql://
    URL or an SQLite file path, which must hold no articles yet.

    Returns {"from", "to", "rows": {table: rows copied}}."""
    if not Store.exists(paths):
        raise StoreError(f"{paths.db}: no store to copy")
    target: str | Path = to if to.startswith(("postgresql://", "postgres://")) else Path(to).expanduser()
    with Store.open(paths, "upgrade") as source, Store(target) as dest:
        if isinstance(target, Path) and target.resolve() == Path(source.location).resolve():
            raise UsageError("--to names the store being copied")
        rows = source.copy_to(dest)
        return {"from": source.backend, "to": dest.backend, "rows": rows}


# -- read side ----------------------------------------------------------------------------------------
def reindex(paths: Paths, *, progress: Progress | None = None, embedder: Any = None) -> int:
    """Rebuild the FAISS index from SQLite; return the number of claims indexed."""
    from .index import open_index

    with Store.open(paths, "write") as store:
        index = open_index(paths, embedder)
        return int(index.rebuild(store, embedder, _index_progress(progress)) or 0)


def _open_readonly(paths: Paths) -> Store | None:
    # Where we may write, a read-write handle, so pending migrations apply; a read-only store is read as is.
    return Store.open(paths, "upgrade") if Store.exists(paths) else None


def status(paths: Paths, config: FeedsConfig | None = None, *, now: datetime | None = None) -> dict[str, Any]:
    """Counts, last ingest run and per-feed health (stale, failing, backing off)."""
    now = now or utcnow()
    out: dict[str, Any] = {
        "articles": 0,
        "claims": 0,
        "models": 0,
        "stories": 0,
        "feeds": [],
        "last_ingest": None,
        "data_dir": str(paths.data_dir),
        "backend": "postgresql" if paths.database else "sqlite",
        "database": None,
        "pages_given_up_last_run": 0,
        "pages_to_retry": 0,
    }
    store = _open_readonly(paths)
    states: dict[str, dict[str, Any]] = {}
    out["index"] = {"health": "ok", "detail": "nothing to index", "count": 0}
    if store is not None:
        with store:
            out["database"] = store.location
            out.update(store.counts())
            out["last_ingest"] = store.last_run()
            # pages abandoned at a time limit by the last ingest, and those the next one will try again
            out["pages_given_up_last_run"] = int(store.get_meta(LAST_GIVEN_UP_KEY) or 0)
            out["pages_to_retry"] = len(_load_retries(store))
            states = {s["url"]: s for s in store.feed_states()}
            from .dense import index_health  # standard library only: status stays fast

            out["index"] = index_health(paths, store.max_claim_id(), store.get_meta("store_uuid"))
    configured = {f.url: f for f in config.feeds} if config is not None else {}
    for url in list(configured) + [u for u in states if u not in configured]:
        state = states.get(url, {})
        feed = configured.get(url)
        out["feeds"].append(
            feed_health(
                url,
                feed.name if feed else state.get("name", ""),
                state,
                enabled=feed.enabled if feed else None,
                now=now,
            )
        )
    return out


def list_models(paths: Paths) -> list[dict[str, Any]]:
    """Canonical models with developer, first report, aliases and claim count."""
    store = _open_readonly(paths)
    if store is None:
        return []
    with store:
        models = store.models()
        counts = Counter(c.claim.model for c in store.cited_claims())
    for m in models:
        m["claims"] = counts.get(m["name"], 0)
    return models


EXPORT_COLUMNS = (
    "claim_id",
    "model",
    "attribute",
    "value",
    "name",
    "role",
    "status",
    "evidence",
    "start",
    "end",
    "article_id",
    "story_id",
    "title",
    "url",
    "source",
    "published",
)


def export_claims(
    paths: Paths, fmt: Literal["csv", "jsonl"] = "jsonl", *, model: str | None = None
) -> Iterator[str]:
    """Every stored claim with its source, as CSV lines (with a header) or JSONL lines."""
    if fmt not in ("csv", "jsonl"):
        raise UsageError(f"unknown export format {fmt!r} (use csv or jsonl)")
    store = _open_readonly(paths)
    rows: list[dict[str, Any]] = []
    if store is not None:
        with store:
            models = [store.resolve_alias(model) or model] if model else None
            for c in store.cited_claims(models=models):
                rows.append(
                    {
                        "claim_id": c.claim.id,
                        "model": c.claim.model,
                        "attribute": c.claim.attribute,
                        "value": c.claim.value,
                        "name": c.claim.name,
                        "role": c.claim.role,
                        "status": c.claim.status,
                        "evidence": c.claim.evidence,
                        "start": c.claim.start,
                        "end": c.claim.end,
                        "article_id": c.article_id,
                        "story_id": c.story_id,
                        "title": c.title,
                        "url": c.url,
                        "source": c.source,
                        "published": c.published.date().isoformat() if c.published else None,
                    }
                )
    if fmt == "jsonl":
        for row in rows:
            yield json.dumps(row, ensure_ascii=False) + "\n"
        return
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=EXPORT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    yield buf.getvalue()
    for row in rows:
        buf.seek(0)
        buf.truncate()
        writer.writerow({k: ("" if v is None else _csv_safe(v)) for k, v in row.items()})
        yield buf.getvalue()


def _csv_safe(value: Any) -> Any:
    """Defuse spreadsheet formulas in text that came from strangers' pages (=, +, -, @ at the start)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


__all__ = [
    "FeedLine",
    "IngestReport",
    "Progress",
    "TrackerError",
    "add_documents",
    "crash_point",
    "export_claims",
    "ingest",
    "list_models",
    "reindex",
    "status",
]
