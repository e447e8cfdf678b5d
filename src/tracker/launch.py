"""The `tracker` console script: starts the dense side of `ask` before the CLI has even loaded.

Why: a cold `tracker ask` spends ~180 ms importing typer / pydantic and parsing before it knows whether
the question needs dense retrieval, and the dense side itself is mostly fixed start-up cost (numpy,
onnxruntime, the ONNX session: ~150-200 ms). For `ask`, this module has tracker.dense fork a warm child
first, with nothing but the standard library loaded (no threads, no native pools: safe to fork); the child
imports and warms the query encoder on the second core while this process imports the CLI. When `ask`
needs dense neighbours (tracker.dense.start) the question goes to the child; when it does not, the child is
killed. The fork-and-pipe code lives in tracker.dense only (TRACKER_ASK_FORK=0 turns it off).
"""

from __future__ import annotations

import gc
import sys

from .dense import discard, submit, warm_start

GLOBAL_OPTIONS_WITH_VALUE = ("--data-dir", "--feeds")

__all__ = ["discard", "main", "submit"]


def main() -> None:
    """Entry point: warm the dense side for `ask`, run the CLI, never leave a child behind."""
    ask = _is_ask(sys.argv[1:])
    if ask:
        warm_start()
        # A cold ask is one short process: the cyclic collector would only walk the objects the imports
        # made (typer, pydantic, psycopg: tens of thousands) again and again, ~40-70 ms of collections
        # while importing and as much again in the teardown pass at exit, and free next to nothing.
        gc.disable()
    try:
        from .cli import main as cli_main

        cli_main()
    finally:
        discard()
        if ask:
            gc.freeze()  # the interpreter's last collection at exit then has nothing to walk


def _is_ask(args: list[str]) -> bool:
    """Whether the command (the first word that is not a global option or its value) is `ask`."""
    i = 0
    while i < len(args):
        word = args[i]
        if word in GLOBAL_OPTIONS_WITH_VALUE:
            i += 2
        elif word.startswith("-"):
            i += 1
        else:
            return word == "ask" and "--help" not in args
    return False
