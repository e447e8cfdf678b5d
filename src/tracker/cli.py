"""The `tracker` command: parses arguments, calls one function, prints.

This is the only module that prints, exits or configures logging; it maps the TrackerError tree
(errors.py) to exit codes: 0 ok, 1 fatal, 2 bad usage or config, 3 some feeds failed, 75 locked.
Heavy modules are imported inside the commands so `tracker --help` stays fast.
"""

from __future__ import annotations

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
    data_dir: str | None = typer.Option(None, "--data-dir", help="Data directory [env TRACKER_DATA_DIR; ./data]."),
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

# === end section: pipeline ===

# === section: ask (ask, conflicts, summary) ===

# === end section: ask ===

# === section: digest (digest, nightly, cron, feeds) ===

# === end section: digest ===


def main() -> None:
    """Console-script entry point: run the app, turn TrackerError into a one-line message and exit code."""
    import click

    verbose = "-v" in sys.argv or "--verbose" in sys.argv
    try:
        code = app(standalone_mode=False)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        sys.stderr.write("aborted\n")
        sys.exit(130)
    except TrackerError as exc:
        if verbose:
            raise
        sys.stderr.write(f"tracker: {exc}\n")
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        sys.exit(130)
    sys.exit(code if isinstance(code, int) else 0)


__all__ = ["app", "main", "UsageError"]
