"""Polling 200 feeds that all answer 304 Not Modified, from local servers (target: under 2 s).

    python bench/poll304.py                   # 200 feeds on 20 local servers, 5 rounds
    python bench/poll304.py --feeds 500 --servers 50 --rounds 3

Each round is one `poll_feeds` call (event loop, client, every conditional GET, the state decider), with
the ETags a previous run stored. Prints a Markdown table; exit status 1 when the median misses 2 s.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "src"))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--feeds", type=int, default=200)
    ap.add_argument("--servers", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()

    t_import = time.perf_counter()
    from localserver import LocalServer
    from tracker.config import FeedsConfig
    from tracker.poll import poll_feeds
    from tracker.records import Feed

    import_s = time.perf_counter() - t_import

    servers = [LocalServer() for _ in range(max(1, args.servers))]
    try:
        feeds, states = [], {}
        for i in range(args.feeds):
            srv = servers[i % len(servers)]
            etag = f'"feed-{i}-v1"'
            url = srv.add(
                f"/feed/{i}.xml", b"<rss/>", content_type="application/rss+xml", headers={"ETag": etag}
            )
            feeds.append(Feed(name=f"feed {i}", url=url))
            states[url] = {"etag": etag, "last_success": "2026-01-01T00:00:00+00:00", "consecutive_errors": 0}
        config = FeedsConfig(allow_private=[s.netloc for s in servers], feeds=feeds)
        times = []
        outcomes: set[str] = set()
        for _ in range(args.rounds):
            started = time.perf_counter()
            results = poll_feeds(config, states, is_known=lambda e: True, now=datetime.now(UTC))
            times.append(time.perf_counter() - started)
            outcomes |= {r.outcome for r in results}
            assert len(results) == args.feeds
        requests = sum(s.count() for s in servers)
    finally:
        for srv in servers:
            srv.close()

    median = statistics.median(times)
    print("| metric | value | target |\n|---|---|---|")
    print(f"| feeds polled per round | {args.feeds} on {len(servers)} local servers | 200 |")
    print(f"| outcomes | {', '.join(sorted(outcomes))} | not_modified |")
    print(f"| wall time per round, median of {args.rounds} | {median:.2f} s | < 2 s |")
    print(f"| fastest / slowest round | {min(times):.2f} s / {max(times):.2f} s | - |")
    print(f"| requests served | {requests} ({requests / max(1, args.rounds):.0f} per round) | 1 per feed |")
    print(f"| import of the poller (once) | {import_s:.2f} s | - |")
    return 0 if median < 2.0 and outcomes == {"not_modified"} else 1


if __name__ == "__main__":
    sys.exit(main())
