"""The `tracker` command: parses arguments, calls one function, prints.

This is the only module that prints, exits or configures logging; it maps the TrackerError tree
(errors.py) to exit codes: 0 ok, 1 fatal, 2 bad usage or config, 3 some feeds failed, 4 nothing found,
75 locked, 130 interrupted. Global options (--data-dir, --feeds, -v, -q) may come before or after the
command: `main` moves them to the front before typer parses.
Heavy modules are imported inside the commands so `tracker --help` stays fast.
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib
import json
import logging
import os
import sys
from pathlib import Path
from typing import Any

import typer

from .config import Paths, database_url, resolve_data_dir, resolve_feeds_path
from .errors import NotFoundError, TrackerError, UsageError
from .sanitize import safe_text as _safe  # short: used on every line that prints feed text

EMPTY_STORE = "nothing ingested yet"  # the note ask / summary give before the first ingest (exit 0, not 4)
SINCE_HELP = "7d, 12h, 2w, 1m (months), 1y, a date (2026-04-01), a month (2026-04), yesterday, last week"


app = typer.Typer(
    name="tracker",
    help="Follow AI model launch news and turn it into facts you can query.\n\n"
    'Examples:\n\n  tracker ingest\n\n  tracker ask "How many parameters does Llama 3.1 405B have?"\n\n'
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
db_app = typer.Typer(help="Move the store between SQLite and PostgreSQL.", no_args_is_help=True)
app.add_typer(db_app, name="db")


class State:
    """Global options, shared by every command through ctx.obj."""

    def __init__(self, data_dir: str | None, feeds: str | None, verbose: bool, quiet: bool = False) -> None:
        if data_dir == "":
            raise UsageError("--data-dir: empty path")
        if feeds == "":
            raise UsageError("--feeds: empty path")
        self.data_dir_option = data_dir
        self.feeds_option = feeds
        self.paths: Paths = resolve_data_dir(data_dir)
        self.feeds_path: Path = resolve_feeds_path(feeds)
        database = database_url(self.feeds_path)
        if database:
            self.paths = dataclasses.replace(self.paths, database=database)
        self.verbose = verbose
        self.quiet = quiet


def _version(value: bool) -> None:
    if value:
        from . import __version__

        sys.stdout.write(f"tracker {__version__}\n")
        raise typer.Exit()


@app.callback()
def _global(
    ctx: typer.Context,
    data_dir: str | None = typer.Option(
        None, "--data-dir", help="Data dir [env TRACKER_DATA_DIR, TRACKER_HOME; $XDG_DATA_HOME/tracker]."
    ),
    feeds: str | None = typer.Option(
        None,
        "--feeds",
        help="Feeds file [env TRACKER_FEEDS; ./feeds.yaml if present; $XDG_CONFIG_HOME/tracker/feeds.yaml].",
    ),
    verbose: bool = typer.Option(False, "-v", "--verbose", help="Log details; show tracebacks on errors."),
    quiet: bool = typer.Option(False, "-q", "--quiet", help="No progress output."),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
    ctx.obj = State(data_dir, feeds, verbose, quiet)


def _state(ctx: typer.Context) -> State:
    """The global options; refuses a data dir that is not a directory before any command reads or writes."""
    state = _raw_state(ctx)
    where = state.paths.data_dir
    if where.exists() and not where.is_dir():
        from .errors import StoreError

        raise StoreError(f"{where}: the data dir is not a directory (set --data-dir or TRACKER_DATA_DIR)")
    return state


def _raw_state(ctx: typer.Context) -> State:
    state = ctx.find_root().obj
    assert isinstance(state, State)
    return state


def _print_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=None, default=str) + "\n")


def _is_tty() -> bool:
    return sys.stderr.isatty()


# Commands below, grouped by what they work on; each body stays a thin call + print.

# -- pipeline: ingest, add, extract, status, reindex, models, export -----------------------------------------


class _ProgressView:
    """Progress for ingest / reindex: rich bars on a terminal, a few plain lines when piped or under cron."""

    LABELS = {
        "feeds": "polling feeds",
        "pages": "fetching pages",
        "articles": "reading articles",
        "index": "embedding claims",
    }

    def __init__(self, *, quiet: bool = False) -> None:
        self.quiet = quiet
        self.tty = _is_tty() and not quiet
        self._bar: Any = None
        self._tasks: dict[str, Any] = {}
        self._last: dict[str, tuple[int, int | None]] = {}  # piped: the latest figures of each stage

    def __enter__(self) -> _ProgressView:
        if self.tty:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self._bar = Progress(
                TextColumn("{task.description:<17}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=False,
            )
            self._bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()
        for stage in list(self._last):
            self._line(stage)

    def __call__(self, stage: str, done: int, total: int | None) -> None:
        if self.quiet:
            return
        label = self.LABELS.get(stage, stage)
        if self._bar is not None:
            task = self._tasks.get(stage)
            if task is None:
                task = self._tasks[stage] = self._bar.add_task(label, total=total)
            self._bar.update(task, completed=done, total=total)
            return
        # piped or under cron: one line per stage with its final figures, at the end (stages overlap:
        # pages are fetched while other feeds are still polled, and a stage's total may grow)
        self._last[stage] = (done, total)

    def _line(self, stage: str) -> None:
        done, total = self._last.pop(stage)
        label = self.LABELS.get(stage, stage)
        sys.stderr.write(f"{label}: {done}/{total}\n" if total is not None else f"{label}: {done}\n")


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
    if getattr(report, "pages_given_up", 0):
        parts.append(f"{report.pages_given_up} page(s) given up at the time limit (retried next run)")
    out(", ".join(parts) + f" ({report.seconds.get('total', 0.0):.1f}s)\n")
    for error in report.errors[:5] if show_errors else []:
        sys.stderr.write(f"  skipped {_safe(error)[:300]}\n")
    if len(report.errors) > 5:
        sys.stderr.write(f"  ... and {len(report.errors) - 5} more (see --json)\n")


def _article_count(paths: Paths) -> int | None:
    """Articles in the store now (None when it cannot be read), to tell what an interrupted run kept."""
    from .pipeline import status as get_status

    try:
        return int(get_status(paths)["articles"])
    except Exception:  # noqa: BLE001 - only a courtesy for the Ctrl-C message
        return None


def _say_what_was_kept(paths: Paths, before: int | None) -> None:
    after = _article_count(paths)
    if before is not None and after is not None:
        kept = f"{after - before} new article(s) were stored and kept ({after} in all)"
    else:
        kept = "every article stored before the interrupt was kept"
    sys.stderr.write(
        f"\ninterrupted: {kept}; each is saved with its claims, and the next `tracker ingest` fetches "
        "the rest and brings the index up to date\n"
    )


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
    before = _article_count(state.paths)
    try:
        with _ProgressView(quiet=quiet or state.quiet or as_json) as progress:
            report = run_ingest(config, state.paths, progress=progress)
    except KeyboardInterrupt:
        _say_what_was_kept(state.paths, before)
        raise
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
    force: bool = typer.Option(False, "--force", help="Store even off-topic sources."),
) -> None:
    """Ingest local files (.txt kept byte-exact, .html through text extraction) or single pages.

    Like `ingest`, only articles about AI models are stored; --force stores the others too.

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
    with _ProgressView(quiet=as_json or state.quiet) as progress:
        report = add_documents(
            sources, state.paths, published=when, config=config, progress=progress, filter_topic=not force
        )
    if as_json:
        _print_json(report.model_dump(mode="json"))
    else:
        _print_report(report, show_errors=False)  # the unreadable sources make the error line below
        for error in report.errors:
            if error.endswith(OFF_TOPIC_HINT):
                sys.stderr.write(f"not stored: {_safe(error)}\n")
    if report.missing:
        raise UsageError(
            report.errors[0]
            if len(report.missing) == 1
            else f"{len(report.missing)} sources could not be read: {'; '.join(report.errors)}"
        )


OFF_TOPIC_HINT = "use --force to store it anyway"


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
    out(f"store: {info['backend']} {info['database'] or '(none yet)'}\n")
    out(
        f"{info['articles']} articles ({info['stories']} stories), {info['claims']} claims, "
        f"{info['models']} models\n"
    )
    index = info.get("index") or {}
    hint = "" if index.get("health") == "ok" else "; run `tracker reindex`"
    out(f"index: {index.get('health')} ({index.get('detail')}){hint}\n")
    run = info["last_ingest"]
    if run:
        out(
            f"last ingest: {run['finished']} - {run['articles_new']} new articles, "
            f"{run['claims_new']} claims, {run['feeds_ok']} feeds ok, {run['feeds_failed']} failed\n"
        )
    else:
        out("last ingest: never\n")
    if info.get("pages_given_up_last_run") or info.get("pages_to_retry"):
        out(
            f"pages given up on (time limit) by the last ingest: {info['pages_given_up_last_run']}, "
            f"to retry on the next: {info['pages_to_retry']}\n"
        )
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
    with _ProgressView(quiet=quiet or state.quiet) as progress:
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
            + (f"  aka {_safe(aliases)}" if aliases else "")
            + "\n"
        )


@app.command()
def export(
    ctx: typer.Context,
    fmt: str | None = typer.Option(
        None, "--format", "-f", help="csv or jsonl [from the --out extension (.csv, .jsonl, .json); jsonl]."
    ),
    out: str | None = typer.Option(None, "--out", "-o", help="Write to this regular file; - for stdout."),
    model: str | None = typer.Option(None, "--model", help="Only this model's claims."),
) -> None:
    """Every stored claim with its source (title, URL, date, evidence), for spreadsheets and notebooks.

    Without --format, the format follows the --out extension: claims.csv is CSV, anything else JSONL.

    Example: tracker export --out claims.csv
    """
    from .pipeline import export_claims

    if fmt is None:
        fmt = "csv" if out is not None and out.lower().endswith(".csv") else "jsonl"
    if fmt not in ("csv", "jsonl"):
        raise UsageError(f"--format: expected csv or jsonl, got {fmt!r}")
    target = _out_target(out)  # checked before any work: a bad path fails fast
    lines = export_claims(_state(ctx).paths, fmt, model=model)  # type: ignore[arg-type]
    if target is None:
        for line in lines:
            sys.stdout.write(line)
        return
    from .fileio import write_out

    write_out(target, "".join(lines).encode("utf-8"))


def _out_target(out: str | None) -> Path | None:
    """`--out`: None for stdout (absent or -), else the checked regular-file path (symlinks resolved)."""
    if out is None or out == "-":
        return None
    from .fileio import out_target

    return out_target(out)


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
        cells = [[_safe(str(r.get(c, "")))[: 70 if c == "evidence" else 40] for c in cols] for r in rows]
        widths = [max([len(c)] + [len(line[i]) for line in cells]) for i, c in enumerate(cols)]
        sys.stdout.write("  ".join(c.ljust(w) for c, w in zip(cols, widths, strict=True)).rstrip() + "\n")
        for line in cells:
            sys.stdout.write("  ".join(v.ljust(w) for v, w in zip(line, widths, strict=True)).rstrip() + "\n")


# -- ask: ask, conflicts, summary ----------------------------------------------------------------------------


def _ask_paths(ctx: typer.Context, data_dir: str | None) -> Paths:
    """The global --data-dir, or the same option given after the command (`tracker ask --data-dir D ...`)."""
    if data_dir:
        paths = resolve_data_dir(data_dir)
        if paths.data_dir.exists() and not paths.data_dir.is_dir():
            from .errors import StoreError

            raise StoreError(f"{paths.data_dir}: the data dir is not a directory")
        return paths
    return _state(ctx).paths


@app.command()
def ask(
    ctx: typer.Context,
    question: str = typer.Argument(..., help='The question, e.g. "How big is DeepSeek V4 Pro?"'),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object {question, answers}."),
    k: int = typer.Option(5, "-k", min=1, help="How many (model, attribute) answers at most (>= 1)."),
    model: str | None = typer.Option(None, "--model", help="Only this model (a name or alias)."),
    attribute: str | None = typer.Option(None, "--attribute", help="Only this attribute (e.g. license)."),
    since: str | None = typer.Option(None, "--since", help=f"Only articles since: {SINCE_HELP}."),
    source: str | None = typer.Option(None, "--source", help="Only articles whose source/URL contains this."),
    data_dir: str | None = typer.Option(None, "--data-dir", help="Data directory (also accepted here)."),
) -> None:
    """Answer a question from the stored claims, with sources and disagreements.

    Also by value ("which model has 253B parameters?"), superlative ("largest context window"),
    comparison ("which is cheaper, X or Y?"), period ("released in April 2026") and set ("which models
    are MIT licensed?"). Exit code 4 when the store has data but no answer; the note says why.

    Example: tracker ask "How many active parameters does DeepSeek V4 Pro have?" --json
    """
    from . import dense
    from .ask import ask as run_ask
    from .ask import render

    start = _since(since, "--since") if since else None
    result = run_ask(
        question,
        _ask_paths(ctx, data_dir),
        k=k,
        model=model,
        attribute=attribute,
        since=start,
        source=source,
        dense=dense.start,
        release=dense.discard,
    )
    for warning in result.warnings:
        sys.stderr.write(f"warning: {warning}\n")
    if as_json:
        _print_json(result.jsonable())
    else:
        sys.stdout.write(render(result))
    if not result.answers and result.note != EMPTY_STORE:
        raise NotFoundError("")  # the note above says why; an empty store is not "nothing found"


def _since(text: str, option: str, *, now: Any = None) -> Any:
    """A --since / --until value as an aware UTC datetime (the one period parser: dates.parse_when)."""
    from datetime import UTC, datetime

    from .dates import parse_when

    try:
        return parse_when(text, now=now or datetime.now(UTC))
    except UsageError as exc:
        raise UsageError(f"{option}: {exc}") from None


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
    from .render.terminal import render_conflicts
    from .service import conflicts_report

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
    as_json: bool = typer.Option(False, "--json", help="Same as --format json."),
    data_dir: str | None = typer.Option(None, "--data-dir", help="Data directory (also accepted here)."),
) -> None:
    """A model's fact sheet: every attribute with its consensus, conflicts, status and sources.

    Exit 4 when the store has data but nothing about the model.

    Example: tracker summary "Llama 3.1 405B" --format md
    """
    from .service import summary_json, summary_markdown

    if fmt not in ("md", "json"):
        raise UsageError(f"--format must be md or json, got {fmt!r}")
    paths = _ask_paths(ctx, data_dir)
    data = summary_json(paths, model)
    if as_json or fmt == "json":
        _print_json(data)
    elif data.get("facts"):
        sys.stdout.write(summary_markdown(paths, model))
    else:
        sys.stdout.write(_safe(str(data.get("note") or f"no claims about {model}")) + "\n")
    if not data.get("facts") and data.get("note") != EMPTY_STORE:
        raise NotFoundError("")  # the store has data, none about this model


# -- digest: digest, nightly, cron, feeds --------------------------------------------------------------------


def _open_store_for_reading(state: State) -> Any:
    """The store read-only, or an empty in-memory one when there is no data yet (nothing is created)."""
    from .store import Store

    if Store.exists(state.paths):
        return Store.open(state.paths, "read")
    return Store(":memory:")


@app.command()
def digest(
    ctx: typer.Context,
    since: str = typer.Option("7d", "--since", help=f"Start: a span before --until or a date: {SINCE_HELP}."),
    until: str | None = typer.Option(None, "--until", help="End (exclusive): a date or datetime [now]."),
    out: str | None = typer.Option(
        None, "--out", help="Write the Markdown to this regular file (chart beside it as .png); - for stdout."
    ),
    by: str = typer.Option("published", "--by", help="Date articles by 'published' or 'fetched'."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Markdown digest of a period: new models, changes, disagreements, benchmarks, sources.

    Prints to stdout; with --out writes the file atomically and draws the price-vs-size chart beside it.

    Examples: tracker digest --since 7d;  tracker digest --since 2026-11-01 --until 2026-11-08 --out week.md
    """
    from datetime import UTC, datetime

    from .digest import digest_json, render_digest, write_digest

    if by not in ("published", "fetched"):
        raise UsageError(f"--by: expected 'published' or 'fetched', got {by!r}")
    state = _state(ctx)
    now = datetime.now(UTC)
    end = _since(until, "--until", now=now) if until else now
    start = _since(since, "--since", now=end)
    target = _out_target(out)
    if as_json and target is not None:
        raise UsageError("--json prints to stdout; it cannot be combined with --out FILE")
    with _open_store_for_reading(state) as store:
        if as_json:
            _print_json(digest_json(store, since=start, until=end, by=by))
            return
        if target is None:
            sys.stdout.write(render_digest(store, since=start, until=end, by=by).markdown)
            return
        try:
            result = write_digest(store, since=start, until=end, out=target, by=by)
        except OSError as exc:
            raise UsageError(f"--out {out}: cannot write: {exc.strerror or exc}") from None
    sys.stdout.write(f"wrote {target}" + (f" and {result.chart_path}" if result.chart_path else "") + "\n")


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
    talk = _is_tty() and not (quiet or state.quiet)
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
def cron_show(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object {installed, line}."),
) -> None:
    """Print this data dir's crontab line, or say it is not installed.

    Example: tracker cron show
    """
    from .nightly import cron_show as show

    status = show(_state(ctx).paths)
    if as_json:
        _print_json({"installed": status.line is not None, "line": status.line})
        return
    sys.stdout.write((status.line or "not installed (tracker cron install adds it)") + "\n")


@db_app.command("copy")
def db_copy(
    ctx: typer.Context,
    to: str = typer.Option(..., "--to", help="postgresql://user@host/db, or an SQLite file path."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON report."),
) -> None:
    """Copy this store (articles, claims, vectors, feed state, runs) into an empty one, ids kept.

    Example: tracker db copy --to postgresql://me@db.example/tracker
    """
    from .pipeline import copy_database

    report = copy_database(_state(ctx).paths, to)
    if as_json:
        _print_json(report)
        return
    rows = report["rows"]
    sys.stdout.write(
        f"copied {report['from']} -> {report['to']}: {rows['articles']} articles, {rows['claims']} claims, "
        f"{rows['vectors']} vectors, {rows['feeds']} feeds\n"
    )


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
    from .feeds_admin import add_feed, refused_reason

    state = _state(ctx)
    feed = add_feed(state.feeds_path, url, name=name, tags=tag)
    sys.stdout.write(f"added {_safe(feed.name)} <{_safe(feed.url)}> to {state.feeds_path}\n")
    warning = refused_reason(state.feeds_path, feed.url)
    if warning:
        sys.stderr.write(f"warning: {_safe(warning)}\n")


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


@feeds_app.command("refresh")
def feeds_refresh(
    ctx: typer.Context,
    key: str | None = typer.Argument(None, metavar="[URL_OR_NAME]", help="The feed's URL or name."),
    all_feeds: bool = typer.Option(False, "--all", help="Every feed."),
) -> None:
    """Clear a feed's error backoff (or every feed's) so the next `tracker ingest` polls it now.

    Example: tracker feeds refresh "Example";  tracker feeds refresh --all
    """
    from .feeds_admin import refresh_feeds

    if (key is None) == (not all_feeds):
        raise UsageError("give a feed's URL or name, or --all")
    state = _state(ctx)
    for feed in refresh_feeds(state.feeds_path, state.paths, None if all_feeds else key):
        sys.stdout.write(f"refreshed {_safe(feed.name)} <{_safe(feed.url)}>: polled on the next ingest\n")


def _set_enabled(ctx: typer.Context, key: str, enabled: bool) -> None:
    from .feeds_admin import set_enabled

    feed, changed = set_enabled(_state(ctx).feeds_path, key, enabled)
    word = "enabled" if enabled else "disabled"
    sys.stdout.write(f"{word if changed else 'already ' + word} {_safe(feed.name)} <{_safe(feed.url)}>\n")


@feeds_app.command("enable")
def feeds_enable(
    ctx: typer.Context,
    key: str = typer.Argument(..., metavar="URL_OR_NAME", help="The feed's URL or its name."),
) -> None:
    """Poll this feed again on ingest (sets `enabled: true` in feeds.yaml).

    Example: tracker feeds enable "Example"
    """
    _set_enabled(ctx, key, True)


@feeds_app.command("disable")
def feeds_disable(
    ctx: typer.Context,
    key: str = typer.Argument(..., metavar="URL_OR_NAME", help="The feed's URL or its name."),
) -> None:
    """Stop polling this feed, keeping it and its articles (sets `enabled: false` in feeds.yaml).

    Example: tracker feeds disable "Example"
    """
    _set_enabled(ctx, key, False)


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


# -- files: paths, forget ------------------------------------------------------------------------------------


@app.command()
def paths(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Print where tracker keeps its data, feeds file and model cache, and what chose each.

    Order: --data-dir, TRACKER_DATA_DIR, TRACKER_HOME, $XDG_DATA_HOME/tracker (data); --feeds,
    TRACKER_FEEDS, ./feeds.yaml when present, TRACKER_HOME/feeds.yaml, $XDG_CONFIG_HOME/tracker/feeds.yaml
    (feeds); TRACKER_MODEL_DIR, $XDG_CACHE_HOME/tracker/model (model).

    Example: tracker paths --json
    """
    from .config import locations

    state = _raw_state(ctx)
    info = locations(state.data_dir_option, state.feeds_option)
    if as_json:
        _print_json(info)
        return
    missing = "" if info["feeds_exists"] else " (missing)"
    sys.stdout.write(
        f"data:    {info['data_dir']}  [{info['data_dir_from']}]\n"
        f"store:   {info['db']}\n"
        f"digests: {info['digests']}\n"
        f"feeds:   {info['feeds']}{missing}  [{info['feeds_from']}]\n"
        f"model:   {info['model']}  [{info['model_from']}]\n"
    )


@app.command()
def forget(
    ctx: typer.Context,
    keys: list[str] = typer.Argument(..., metavar="URL_OR_ID...", help="Article URLs or ids (see export)."),
    as_json: bool = typer.Option(False, "--json", help="Print what was removed as JSON."),
) -> None:
    """Remove articles and their claims from the store and the index; ingest will not fetch them again.

    Exit 4 when nothing matched.

    Example: tracker forget https://example.com/post;  tracker forget 42
    """
    from .pipeline import forget_articles

    removed, unknown = forget_articles(_state(ctx).paths, keys)
    if as_json:
        _print_json({"removed": removed, "unknown": unknown})
    else:
        for a in removed:
            sys.stdout.write(f"forgot {a['id']}: {_safe(a['title'] or a['url'])} ({a['claims']} claims)\n")
    for key in unknown:
        sys.stderr.write(f"no article {_safe(key)}\n")
    if unknown and not removed:
        raise NotFoundError("")


def main() -> None:
    """Console-script entry point: run the app, turn TrackerError into a one-line message and exit code."""
    args = hoist_global_options(sys.argv[1:])
    verbose = "-v" in args or "--verbose" in args
    try:
        code = app(args=args, prog_name="tracker", standalone_mode=False)
    except TrackerError as exc:
        if verbose:  # the traceback, then the same exit code as without -v
            import traceback

            traceback.print_exc()
        message = str(exc)
        if message:  # NotFoundError("") after a command already said so
            sys.stderr.write(f"tracker: {message}\n")
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        sys.exit(130)
    except BrokenPipeError:
        # The reader went away (`tracker export | head`): stop quietly, as cat does.
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(141)
    except OSError as exc:
        # Backstop for the user's machine (a file we could not read or write): one line, not a traceback.
        if verbose:
            raise
        where = f"{exc.filename}: " if exc.filename else ""
        sys.stderr.write(f"tracker: {where}{exc.strerror or exc}\n")
        sys.exit(1)
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
        drivers = [sys.modules.get("sqlite3"), sys.modules.get("psycopg")]
        errors = tuple(e for e in (getattr(m, "DatabaseError", None) for m in drivers) if e is not None)
        if errors and isinstance(exc, errors) and not verbose:
            sys.stderr.write(f"tracker: database error: {exc} (run with -v for details)\n")
            sys.exit(1)
        raise
    sys.exit(code if isinstance(code, int) else 0)


GLOBAL_FLAGS = ("-v", "--verbose", "-q", "--quiet")
GLOBAL_WITH_VALUE = ("--data-dir", "--feeds")


def hoist_global_options(args: list[str]) -> list[str]:
    """Move the global options to the front, wherever they were given (`tracker ask Q --data-dir D -v`).

    Typer only takes a group's options before the command; people put them anywhere. Stops at `--`.
    """
    front: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(args):
        word = args[i]
        if word == "--":
            rest.extend(args[i:])
            break
        name = word.split("=", 1)[0]
        if name in GLOBAL_WITH_VALUE:
            take = 1 if "=" in word else 2
            front.extend(args[i : i + take])
            i += take
            continue
        (front if word in GLOBAL_FLAGS else rest).append(word)
        i += 1
    return front + rest


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
