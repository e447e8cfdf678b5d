"""The `tracker` command: parses arguments, calls one function, prints.

This is the only module that prints, exits or configures logging; it maps the TrackerError tree
(errors.py) to exit codes: 0 ok, 1 fatal, 2 bad usage or config, 3 some feeds failed, 75 locked.
Heavy modules are imported inside the commands so `tracker --help` stays fast.
"""

from __future__ import annotations

import importlib
import json
import logging
import sys
from pathlib import Path
from typing import Any

import typer

from .config import Paths, resolve_data_dir, resolve_feeds_path
from .errors import TrackerError, UsageError

app = typer.Typer(
    name="tracker",
    help="Follow AI model launch news and turn it into facts you can query.\n\n"
    "Examples:\n\n  tracker ingest\n\n  tracker ask \"How many parameters does Llama 3.1 405B have?\"\n\n"
    "  tracker digest --since 7d",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=True,
    rich_markup_mode=None,
)
feeds_app = typer.Typer(help="List and edit the feeds in feeds.yaml.", no_args_is_help=True)
cron_app = typer.Typer(help="Manage the crontab line that runs `tracker nightly`.", no_args_is_help=True)
app.add_typer(feeds_app, name="feeds")
app.add_typer(cron_app, name="cron")


class State:
    """Global options, shared by every command through ctx.obj."""

    def __init__(self, data_dir: str | None, feeds: str | None, verbose: bool) -> None:
        self.paths: Paths = resolve_data_dir(data_dir)
        self.feeds_path: Path = resolve_feeds_path(feeds)
        self.verbose = verbose


@app.callback()
def _global(
    ctx: typer.Context,
    data_dir: str | None = typer.Option(None, "--data-dir", help="Data dir [env TRACKER_DATA_DIR; ./data]."),
    feeds: str | None = typer.Option(None, "--feeds", help="Feeds file [env TRACKER_FEEDS; ./feeds.yaml]."),
    verbose: bool = typer.Option(False, "-v", "--verbose", help="Log details; show tracebacks on errors."),
) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
    ctx.obj = State(data_dir, feeds, verbose)


def _state(ctx: typer.Context) -> State:
    state = ctx.find_root().obj
    assert isinstance(state, State)
    return state


def _print_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=None, default=str) + "\n")


def _is_tty() -> bool:
    return sys.stderr.isatty()


# Commands are grouped by owner below; each body stays a thin call + print.
# Add a command only inside your own section (edit with a targeted replace, never rewrite the file).

# === section: pipeline (ingest, add, extract, status, reindex, models, export) ===


class _ProgressView:
    """Progress for ingest / reindex: rich bars on a terminal, a few plain lines when piped or under cron."""

    LABELS = {"feeds": "polling feeds", "articles": "storing articles", "index": "embedding claims"}

    def __init__(self, *, quiet: bool = False) -> None:
        self.quiet = quiet
        self.tty = _is_tty() and not quiet
        self._bar: Any = None
        self._tasks: dict[str, Any] = {}
        self._announced: set[str] = set()

    def __enter__(self) -> _ProgressView:
        if self.tty:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self._bar = Progress(
                TextColumn("{task.description:<17}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                console=Console(stderr=True), transient=False,
            )
            self._bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()

    def __call__(self, stage: str, done: int, total: int | None) -> None:
        if self.quiet:
            return
        label = self.LABELS.get(stage, stage)
        if self._bar is not None:
            task = self._tasks.get(stage)
            if task is None:
                task = self._tasks[stage] = self._bar.add_task(label, total=total)
            self._bar.update(task, completed=done, total=total)
        elif total and done >= total and stage not in self._announced:
            self._announced.add(stage)  # piped: one line per finished stage
            sys.stderr.write(f"{label}: {done}/{total}\n")


def _load_config(state: State) -> Any:
    from .config import load_feeds

    return load_feeds(state.feeds_path)


def _print_report(report: Any, *, show_errors: bool = True) -> None:
    out = sys.stdout.write
    for line in report.feeds:
        marks = {"ok": "ok  ", "not_modified": "304 ", "error": "FAIL", "backoff": "wait"}
        mark = marks.get(line.outcome, "?   ")
        detail = f"{line.articles_new} new" if line.outcome in ("ok", "not_modified") else (line.error or "")
        out(f"{mark} {_safe(line.name)}: {_safe(detail)}\n")
    parts = [f"{report.articles_new} new articles", f"{report.claims_new} claims"]
    if report.feeds or report.feeds_failed:
        parts.insert(0, f"{report.feeds_ok} feeds read, {report.feeds_failed} failed")
    for key in ("duplicates", "off_topic", "failed_items"):
        if getattr(report, key):
            parts.append(f"{getattr(report, key)} {key.replace('_', '-')}")
    out(", ".join(parts) + f" ({report.seconds.get('total', 0.0):.1f}s)\n")
    for error in report.errors[:5] if show_errors else []:
        sys.stderr.write(f"  skipped {_safe(error)[:300]}\n")
    if len(report.errors) > 5:
        sys.stderr.write(f"  ... and {len(report.errors) - 5} more (see --json)\n")


def _safe(text: str) -> str:
    """Strip control characters (terminal escapes) from text that came from feeds."""
    return "".join(ch if ch.isprintable() else " " for ch in str(text))


@app.command()
def ingest(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="Print the run report as one JSON object."),
    quiet: bool = typer.Option(False, "-q", "--quiet", help="No progress output."),
) -> None:
    """Poll every enabled feed, store new launch articles with their claims, update the index.

    Exit 0 when every feed was read, 3 when some failed (the rest are stored), 2 on bad config.

    Example: tracker --feeds feeds.yaml ingest
    """
    from .errors import PartialFailure
    from .pipeline import ingest as run_ingest

    state = _state(ctx)
    config = _load_config(state)
    with _ProgressView(quiet=quiet or as_json) as progress:
        report = run_ingest(config, state.paths, progress=progress)
    if as_json:
        _print_json(report.model_dump(mode="json"))
    else:
        _print_report(report)
    if report.feeds_failed:
        failed = ", ".join(f.name for f in report.feeds if f.outcome in ("error", "backoff"))
        raise PartialFailure(f"{report.feeds_failed} feed(s) failed: {_safe(failed)}")


@app.command()
def add(
    ctx: typer.Context,
    sources: list[str] = typer.Argument(..., metavar="PATH_OR_URL...", help="Local .txt/.html files, URLs."),
    published: str | None = typer.Option(None, "--published", help="Publication date YYYY-MM-DD of these."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as one JSON object."),
) -> None:
    """Ingest local files (.txt kept byte-exact, .html through text extraction) or single pages.

    Example: tracker add notes/launch.txt https://example.com/post --published 2026-04-24
    """
    from datetime import date

    from .pipeline import add_documents

    state = _state(ctx)
    when = None
    if published:
        try:
            when = date.fromisoformat(published)
        except ValueError:
            raise UsageError(f"--published: not a date (YYYY-MM-DD): {published!r}") from None
    config = None
    if any(s.lower().startswith(("http://", "https://")) for s in sources) and state.feeds_path.exists():
        config = _load_config(state)  # for allow_private
    with _ProgressView(quiet=as_json) as progress:
        report = add_documents(sources, state.paths, published=when, config=config, progress=progress)
    if as_json:
        _print_json(report.model_dump(mode="json"))
    else:
        _print_report(report, show_errors=False)  # the unreadable sources make the error line below
    if report.missing:
        raise UsageError(report.errors[0] if len(report.missing) == 1 else
                         f"{len(report.missing)} sources could not be read: {'; '.join(report.errors)}")


@app.command()
def status(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Counts, the last ingest run and the health of every feed.

    Example: tracker status --json
    """
    from .errors import ConfigError
    from .pipeline import status as get_status

    state = _state(ctx)
    try:
        config = _load_config(state) if state.feeds_path.exists() else None
    except ConfigError:
        config = None  # status still works with a broken feeds.yaml; ingest reports the error
    info = get_status(state.paths, config)
    if as_json:
        _print_json(info)
        return
    out = sys.stdout.write
    out(f"data: {info['data_dir']}\n")
    out(f"{info['articles']} articles ({info['stories']} stories), {info['claims']} claims, "
        f"{info['models']} models\n")
    index = info.get("index") or {}
    hint = "" if index.get("health") == "ok" else "; run `tracker reindex`"
    out(f"index: {index.get('health')} ({index.get('detail')}){hint}\n")
    run = info["last_ingest"]
    if run:
        out(f"last ingest: {run['finished']} - {run['articles_new']} new articles, "
            f"{run['claims_new']} claims, {run['feeds_ok']} feeds ok, {run['feeds_failed']} failed\n")
    else:
        out("last ingest: never\n")
    for f in info["feeds"]:
        extra = f" ({_safe(f['last_error'])})" if f["health"] == "failing" and f["last_error"] else ""
        out(f"  {f['health']:<12} {_safe(f['name'] or f['url'])}{extra}\n")


@app.command()
def reindex(
    ctx: typer.Context,
    quiet: bool = typer.Option(False, "-q", "--quiet", help="No progress output."),
) -> None:
    """Rebuild the vector index from the SQLite store (safe to run any time).

    Example: tracker reindex
    """
    from .pipeline import reindex as run_reindex

    state = _state(ctx)
    with _ProgressView(quiet=quiet) as progress:
        count = run_reindex(state.paths, progress=progress)
    sys.stdout.write(f"indexed {count} claims\n")


@app.command()
def models(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="Print a JSON list."),
) -> None:
    """Canonical model names with developer, first report, aliases and claim count.

    Example: tracker models --json
    """
    from .pipeline import list_models

    rows = list_models(_state(ctx).paths)
    if as_json:
        _print_json(rows)
        return
    if not rows:
        sys.stdout.write("no models yet: run `tracker ingest` or `tracker add FILE`\n")
    for m in rows:
        aliases = ", ".join(a for a in m["aliases"] if a != m["name"])
        first = (m["first_seen"] or "")[:10]
        sys.stdout.write(
            f"{_safe(m['name'])}  [{_safe(m['developer'] or '?')}]  {m['claims']} claims  {first}"
            + (f"  aka {_safe(aliases)}" if aliases else "") + "\n"
        )


@app.command()
def export(
    ctx: typer.Context,
    fmt: str = typer.Option("jsonl", "--format", "-f", help="csv or jsonl."),
    out: Path | None = typer.Option(None, "--out", "-o", help="Write to this file instead of stdout."),
    model: str | None = typer.Option(None, "--model", help="Only this model's claims."),
) -> None:
    """Every stored claim with its source (title, URL, date, evidence), for spreadsheets and notebooks.

    Example: tracker export --format csv --out claims.csv
    """
    from .pipeline import export_claims

    if fmt not in ("csv", "jsonl"):
        raise UsageError(f"--format: expected csv or jsonl, got {fmt!r}")
    lines = export_claims(_state(ctx).paths, fmt, model=model)  # type: ignore[arg-type]
    if out is None:
        for line in lines:
            sys.stdout.write(line)
        return
    from .fileio import atomic_write_text

    atomic_write_text(out, "".join(lines))


@app.command()
def extract(
    paths: list[Path] = typer.Argument(..., metavar="PATH...", help="Local text files (one article each)."),
    fmt: str = typer.Option("table", "--format", "-f", help="jsonl or table."),
    published: str | None = typer.Option(None, "--published", help="Publication date YYYY-MM-DD ('today')."),
) -> None:
    """Print the claims of local article files; nothing is stored.

    JSONL: one claim per line with `doc` (file name without extension) and the claim fields.

    Example: tracker extract article.txt --format jsonl
    """
    from datetime import date

    from .claims import extract_claims

    if fmt not in ("jsonl", "table"):
        raise UsageError(f"--format: expected jsonl or table, got {fmt!r}")
    when = None
    if published:
        try:
            when = date.fromisoformat(published)
        except ValueError:
            raise UsageError(f"--published: not a date (YYYY-MM-DD): {published!r}") from None
    for path in paths:
        if not path.is_file():
            raise UsageError(f"not a readable file: {path}")
    rows: list[dict[str, object]] = []
    for path in paths:
        text = path.read_text(encoding="utf-8", errors="replace")
        for claim in extract_claims(text, when):
            row: dict[str, object] = {"doc": path.stem, **claim.jsonable()}
            if fmt == "jsonl":
                sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
            else:
                rows.append(row)
    if fmt == "table":
        cols = ["doc", "model", "attribute", "value", "name", "role", "status", "evidence"]
        cells = [[_safe(str(r.get(c, "")))[:70 if c == "evidence" else 40] for c in cols] for r in rows]
        widths = [max([len(c)] + [len(line[i]) for line in cells]) for i, c in enumerate(cols)]
        sys.stdout.write("  ".join(c.ljust(w) for c, w in zip(cols, widths, strict=True)).rstrip() + "\n")
        for line in cells:
            sys.stdout.write("  ".join(v.ljust(w) for v, w in zip(line, widths, strict=True)).rstrip() + "\n")


# === end section: pipeline ===

# === section: ask (ask, conflicts, summary) ===


def _ask_paths(ctx: typer.Context, data_dir: str | None) -> Paths:
    """The global --data-dir, or the same option given after the command (`tracker ask --data-dir D ...`)."""
    return resolve_data_dir(data_dir) if data_dir else _state(ctx).paths


@app.command()
def ask(
    ctx: typer.Context,
    question: str = typer.Argument(..., help="The question, e.g. \"How big is DeepSeek V4 Pro?\""),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object {question, answers}."),
    k: int = typer.Option(5, "-k", help="How many (model, attribute) answers at most."),
    model: str | None = typer.Option(None, "--model", help="Only this model (a name or alias)."),
    attribute: str | None = typer.Option(None, "--attribute", help="Only this attribute (e.g. license)."),
    since: str | None = typer.Option(None, "--since", help="Only articles since: 7d, 12h, 2w or a date."),
    source: str | None = typer.Option(None, "--source", help="Only articles whose source/URL contains this."),
    data_dir: str | None = typer.Option(None, "--data-dir", help="Data directory (also accepted here)."),
) -> None:
    """Answer a question from the stored claims, with sources and disagreements.

    Also by value ("which model has 253B parameters?"), superlative ("largest context window"),
    comparison ("which is cheaper, X or Y?"), period ("released in April 2026") and set ("which models
    are MIT licensed?"). Exit code 4 when nothing is found; the note says why.

    Example: tracker ask "How many active parameters does DeepSeek V4 Pro have?" --json
    """
    from . import dense
    from .ask import ask as run_ask
    from .ask import parse_since, render

    result = run_ask(question, _ask_paths(ctx, data_dir), k=k, model=model, attribute=attribute,
                     since=parse_since(since) if since else None, source=source, dense=dense.start)
    for warning in result.warnings:
        sys.stderr.write(f"warning: {warning}\n")
    if as_json:
        _print_json(result.jsonable())
    else:
        sys.stdout.write(render(result))
    if not result.answers:
        raise typer.Exit(4)  # nothing found (the note says why)


@app.command()
def conflicts(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    model: str | None = typer.Option(None, "--model", help="Only this model (a name or alias)."),
    soft: bool = typer.Option(True, "--notes/--no-notes", help="Also list softer extent/framing notes."),
    data_dir: str | None = typer.Option(None, "--data-dir", help="Data directory (also accepted here)."),
) -> None:
    """List where the sources disagree: value conflicts first, then extent / framing notes.

    Example: tracker conflicts --model DeepSeek-V4 --json
    """
    from .facts import conflicts_report, render_conflicts

    report = conflicts_report(_ask_paths(ctx, data_dir), model=model, soft=soft)
    if as_json:
        _print_json(report)
    else:
        sys.stdout.write(render_conflicts(report))


@app.command()
def summary(
    ctx: typer.Context,
    model: str = typer.Argument(..., help="Model name or alias."),
    fmt: str = typer.Option("md", "--format", help="md or json."),
    data_dir: str | None = typer.Option(None, "--data-dir", help="Data directory (also accepted here)."),
) -> None:
    """A model's fact sheet: every attribute with its consensus, conflicts, status and sources.

    Example: tracker summary "Llama 3.1 405B" --format md
    """
    from .facts import summary_json, summary_markdown

    if fmt not in ("md", "json"):
        raise UsageError(f"--format must be md or json, got {fmt!r}")
    if fmt == "json":
        _print_json(summary_json(_ask_paths(ctx, data_dir), model))
    else:
        sys.stdout.write(summary_markdown(_ask_paths(ctx, data_dir), model))


# === end section: ask ===

# === section: digest (digest, nightly, cron, feeds) ===


def _open_store_for_reading(state: State) -> Any:
    """The store read-only, or an empty in-memory one when there is no data yet (nothing is created)."""
    from .store import Store

    if state.paths.db.exists():
        return Store(state.paths.db, readonly=True)
    return Store(":memory:")


@app.command()
def digest(
    ctx: typer.Context,
    since: str = typer.Option("7d", "--since", help="Start: a span before --until (7d, 24h, 2w) or a date."),
    until: str | None = typer.Option(None, "--until", help="End (exclusive): a date or datetime [now]."),
    out: Path | None = typer.Option(None, "--out", help="Write the Markdown here (chart beside it as .png)."),
    by: str = typer.Option("published", "--by", help="Date articles by 'published' or 'fetched'."),
) -> None:
    """Markdown digest of a period: new models, changes, disagreements, benchmarks, sources.

    Prints to stdout; with --out writes the file atomically and draws the price-vs-size chart beside it.

    Examples: tracker digest --since 7d;  tracker digest --since 2026-11-01 --until 2026-11-08 --out week.md
    """
    from datetime import UTC, datetime

    from .digest import parse_when, render_digest, write_digest

    if by not in ("published", "fetched"):
        raise UsageError(f"--by: expected 'published' or 'fetched', got {by!r}")
    state = _state(ctx)
    now = datetime.now(UTC)
    end = parse_when(until, now=now) if until else now
    start = parse_when(since, now=end)
    with _open_store_for_reading(state) as store:
        if out is None:
            sys.stdout.write(render_digest(store, since=start, until=end, by=by).markdown)
            return
        result = write_digest(store, since=start, until=end, out=out, by=by)
    sys.stdout.write(f"wrote {out}" + (f" and {result.chart_path}" if result.chart_path else "") + "\n")


@app.command()
def nightly(
    ctx: typer.Context,
    quiet: bool = typer.Option(False, "-q", "--quiet", help="No progress or per-feed lines on a terminal."),
) -> None:
    """Ingest every feed, then write digests/YYYY-MM-DD.md, under a lock (a second run exits 75).

    One line per feed goes to <data>/nightly.log (and to the terminal when there is one); nothing is
    printed under cron unless something failed. Exit codes as `ingest`: 0, 3 when some feeds failed.

    Example: tracker nightly
    """
    from .errors import PartialFailure
    from .nightly import run_nightly

    state = _state(ctx)
    config = _load_config(state)
    talk = _is_tty() and not quiet
    with _ProgressView(quiet=not talk) as progress:
        report = run_nightly(config, state.paths, progress=progress)
    if talk:
        for line in report.lines:
            sys.stderr.write(line + "\n")
        sys.stderr.write(
            f"{report.ingest.articles_new} new articles, {report.ingest.claims_new} claims; "
            f"digest: {report.digest_path}\n"
        )
    if report.exit_code == 3:
        failed = [f.name for f in report.ingest.feeds if f.outcome in ("error", "backoff")]
        raise PartialFailure(f"{report.ingest.feeds_failed} feed(s) failed: {_safe(', '.join(failed))}")


@cron_app.command("install")
def cron_install(
    ctx: typer.Context,
    at: str = typer.Option("06:00", "--at", help="Daily time HH:MM (the machine's local time)."),
) -> None:
    """Add (or update) the crontab line that runs `tracker nightly` daily; other lines are left alone.

    The line bakes in absolute paths: this tracker, the data dir, the feeds file, HF_HUB_OFFLINE=1.

    Example: tracker --data-dir ~/tracker-data cron install --at 05:30
    """
    from .nightly import cron_daemon_running
    from .nightly import cron_install as install

    state = _state(ctx)
    sys.stdout.write(install(state.paths, state.feeds_path, at) + "\n")
    if cron_daemon_running() is False:
        sys.stderr.write("note: no cron daemon is running here; start it (e.g. `service cron start`)\n")


@cron_app.command("remove")
def cron_remove(ctx: typer.Context) -> None:
    """Remove this data dir's `tracker nightly` line from the crontab (other lines are kept).

    Example: tracker cron remove
    """
    from .nightly import cron_remove as remove

    removed = remove(_state(ctx).paths)
    sys.stdout.write(f"removed: {removed}\n" if removed else "not installed; nothing to remove\n")


@cron_app.command("show")
def cron_show(ctx: typer.Context) -> None:
    """Print this data dir's crontab line, or say it is not installed.

    Example: tracker cron show
    """
    from .nightly import cron_show as show

    status = show(_state(ctx).paths)
    sys.stdout.write((status.line or "not installed (tracker cron install adds it)") + "\n")


@feeds_app.command("list")
def feeds_list(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="Print a JSON list."),
) -> None:
    """Every feed of feeds.yaml with its health: ok, failing, stale, disabled or never polled.

    Example: tracker feeds list --json
    """
    from .feeds_admin import list_feeds

    state = _state(ctx)
    feeds = list_feeds(state.feeds_path, state.paths)
    if as_json:
        _print_json([f.model_dump(mode="json") for f in feeds])
        return
    for f in feeds:
        tags = f" [{', '.join(_safe(t) for t in f.tags)}]" if f.tags else ""
        line = f"{f.health:<13} {_safe(f.name)} <{_safe(f.url)}>{tags}"
        if f.last_success:
            line += f" last ok {f.last_success}"
        if f.consecutive_errors:
            line += f"; {f.consecutive_errors} error(s) in a row: {_safe(f.last_error or '')[:120]}"
        sys.stdout.write(line + "\n")
    if not feeds:
        sys.stdout.write(f"no feeds in {state.feeds_path}\n")


@feeds_app.command("add")
def feeds_add(
    ctx: typer.Context,
    url: str = typer.Argument(..., help="The feed's http(s) URL."),
    name: str | None = typer.Option(None, "--name", help="Display name [the site's host]."),
    tag: list[str] = typer.Option([], "--tag", help="A tag (repeatable)."),
) -> None:
    """Add a feed to feeds.yaml.

    Example: tracker feeds add https://example.com/feed.xml --name "Example" --tag blog
    """
    from .feeds_admin import add_feed

    feed = add_feed(_state(ctx).feeds_path, url, name=name, tags=tag)
    sys.stdout.write(f"added {_safe(feed.name)} <{_safe(feed.url)}>\n")


@feeds_app.command("remove")
def feeds_remove(
    ctx: typer.Context,
    key: str = typer.Argument(..., metavar="URL_OR_NAME", help="The feed's URL or its name."),
) -> None:
    """Remove a feed from feeds.yaml (its stored articles stay).

    Example: tracker feeds remove "Example"
    """
    from .feeds_admin import remove_feed

    feed = remove_feed(_state(ctx).feeds_path, key)
    sys.stdout.write(f"removed {_safe(feed.name)} <{_safe(feed.url)}>\n")


@feeds_app.command("import")
def feeds_import(
    ctx: typer.Context,
    opml: Path = typer.Argument(..., metavar="FILE.opml", help="An OPML export of another feed reader."),
) -> None:
    """Add the feeds of an OPML file (folders become tags; known URLs are skipped).

    Example: tracker feeds import ~/Downloads/subscriptions.opml
    """
    from .feeds_admin import import_opml

    report = import_opml(_state(ctx).feeds_path, opml)
    for feed in report.added:
        sys.stdout.write(f"added {_safe(feed.name)} <{_safe(feed.url)}>\n")
    for skipped in report.skipped:
        sys.stderr.write(f"skipped {_safe(skipped)}\n")
    sys.stdout.write(f"{len(report.added)} added, {len(report.skipped)} skipped\n")


@feeds_app.command("export")
def feeds_export(ctx: typer.Context) -> None:
    """Print feeds.yaml as OPML 2.0, for any feed reader.

    Example: tracker feeds export > feeds.opml
    """
    from .feeds_admin import export_opml

    sys.stdout.write(export_opml(_state(ctx).feeds_path))


# === end section: digest ===


def main() -> None:
    """Console-script entry point: run the app, turn TrackerError into a one-line message and exit code."""
    verbose = "-v" in sys.argv or "--verbose" in sys.argv
    try:
        code = app(standalone_mode=False)
    except TrackerError as exc:
        if verbose:
            raise
        sys.stderr.write(f"tracker: {exc}\n")
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:
        # Usage errors and aborts come from click: typer >= 0.2x raises its vendored copy's exceptions, older
        # typer the click package's. Their classes are looked up only here, so a normal run never imports
        # the click package (~10 ms of every start).
        click_errors, aborts = _click_exception_types()
        if isinstance(exc, click_errors):
            exc.show()  # type: ignore[attr-defined]
            sys.exit(exc.exit_code)  # type: ignore[attr-defined]
        if isinstance(exc, aborts):
            sys.stderr.write("aborted\n")
            sys.exit(130)
        raise
    sys.exit(code if isinstance(code, int) else 0)


def _click_exception_types() -> tuple[tuple[type[BaseException], ...], tuple[type[BaseException], ...]]:
    """(ClickException classes, Abort classes) of the click copies typer may use."""
    errors: list[type[BaseException]] = []
    aborts: list[type[BaseException]] = []
    for name in ("typer._click.exceptions", "typer.exceptions", "click.exceptions"):
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        for found, attr in ((errors, "ClickException"), (aborts, "Abort")):
            cls = getattr(module, attr, None)
            if isinstance(cls, type) and issubclass(cls, BaseException):
                found.append(cls)
    return tuple(errors), tuple(aborts)


__all__ = ["app", "main", "UsageError"]
