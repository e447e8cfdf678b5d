"""`make demo`: the real tracker, offline, on sample data we wrote ourselves.

Serves src/tracker/demo (an RSS feed, an Atom feed, their article pages, two off-topic pages) from
127.0.0.1 in this process, writes a temporary feeds.yaml that allows exactly that host:port, then runs the
real `tracker ingest`, one `tracker ask` and one `tracker digest` into a temporary data directory and
prints what they print. Nothing leaves the machine.

    python scripts/demo.py [--keep] [--question "..."]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from localserver import LocalServer  # noqa: E402 - the one local server (tests/localserver.py)

DEMO = ROOT / "src" / "tracker" / "demo"
QUESTION = "How many parameters does DeepSeek-V3 activate per token?"
TYPES = {".xml": "application/xml", ".html": "text/html; charset=utf-8"}


def serve(folder: Path) -> LocalServer:
    """Serve `folder` on the one local server (tests/localserver.py), with `{base}` in each file replaced by
    the server's own address and an ETag per file (a second ingest gets 304s)."""
    server = LocalServer()
    files = {
        "/" + path.relative_to(folder).as_posix(): (
            path.read_bytes().replace(b"{base}", server.base.encode()),
            TYPES.get(path.suffix, "application/octet-stream"),
        )
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }
    server.add_files(files)
    return server


def tracker_cmd() -> list[str]:
    exe = Path(sys.executable).with_name("tracker")
    if exe.exists():
        return [str(exe)]
    return [sys.executable, "-c", "from tracker.cli import main; main()"]


def run(title: str, args: list[str], env: dict[str, str]) -> int:
    """Run one real tracker command, printing a header and its output as it comes."""
    bar = "=" * 78
    print(f"\n{bar}\n$ tracker {' '.join(args)}\n{bar}", flush=True)
    proc = subprocess.run([*tracker_cmd(), *args], env=env, check=False)
    if proc.returncode not in (0, 3):
        print(f"[demo] `tracker {args[0]}` exited with {proc.returncode}", file=sys.stderr)
    return proc.returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--question", default=QUESTION, help="the question to ask after the ingest")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data directory")
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="tracker-demo-"))
    server = serve(DEMO)
    base = server.base
    host_port = base.removeprefix("http://")
    feeds = work / "feeds.yaml"
    feeds.write_text(
        "# written by scripts/demo.py: the demo feeds on this machine only\n"
        f'allow_private: ["{host_port}"]\n'
        "feeds:\n"
        f"  - name: Open Weights Weekly (demo)\n    url: {base}/feed.xml\n    tags: [demo]\n"
        f"  - name: Model Launch Desk (demo)\n    url: {base}/atom.xml\n    tags: [demo]\n",
        encoding="utf-8",
    )
    data = work / "data"
    env = dict(
        os.environ,
        TRACKER_FEEDS=str(feeds),
        TRACKER_DATA_DIR=str(data),
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
    )
    print(f"[demo] serving {DEMO.relative_to(ROOT)} at {base}; data in {data}")
    codes = []
    try:
        codes.append(run("ingest", ["ingest"], env))
        codes.append(run("ask", ["ask", args.question], env))
        digest_file = work / "digest.md"
        codes.append(run("digest", ["digest", "--since", "2024-01-01", "--out", str(digest_file)], env))
        if digest_file.exists():
            print(digest_file.read_text(encoding="utf-8"))
        run("status", ["status"], env)
    finally:
        server.close()
        if args.keep:
            print(f"[demo] kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0 if all(c == 0 for c in codes) else 1


if __name__ == "__main__":
    sys.exit(main())
