"""Run the real `tracker` CLI with crash points armed inside the index writer, then die like `kill -9`.

    TRACKER_CRASH_AT=mid_index_write[:N] python bench/crash_driver.py --data-dir D ingest

The pipeline checks its own points (tracker.pipeline.crash_point: after_commit, before_feed_state,
before_index). The index writer's points are armed here, around the real calls of tracker.index's save,
so the test does not depend on the index module knowing about crash tests:
- mid_index_write: the new generation file is half written (truncated) when the process dies;
- before_rename: the new generation file is complete and fsynced but not yet renamed into place.
If index.py calls `crash_point` with the same names itself, both paths lead to the same death.
"""

from __future__ import annotations

import os
import sys
import types
from typing import Any


def arm() -> None:
    from tracker import index as index_mod
    from tracker.pipeline import crash_due

    faiss = index_mod._faiss()
    real_write = faiss.write_index

    def write_index(idx: Any, path: str) -> None:
        real_write(idx, path)
        if crash_due("mid_index_write"):
            size = os.path.getsize(path)
            with open(path, "r+b") as fh:
                fh.truncate(size // 2)
            os._exit(137)

    faiss.write_index = write_index

    real_replace = os.replace

    def replace(src: Any, dst: Any, *args: Any, **kwargs: Any) -> None:
        if str(dst).endswith(".faiss") and crash_due("before_rename"):
            os._exit(137)
        real_replace(src, dst, *args, **kwargs)

    proxy = types.SimpleNamespace(**{k: getattr(os, k) for k in dir(os) if not k.startswith("__")})
    proxy.replace = replace
    index_mod.os = proxy  # type: ignore[assignment]  # only the index module sees the armed replace


def main() -> None:
    if os.environ.get("TRACKER_CRASH_AT", "").split(":")[0] in ("mid_index_write", "before_rename"):
        arm()
    from tracker.cli import main as cli_main

    sys.argv = ["tracker", *sys.argv[1:]]
    cli_main()


if __name__ == "__main__":
    main()
