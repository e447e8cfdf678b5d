"""Hostile-feed benchmark: every behaviour of tests/hostile/behaviours.py, next to a good control feed.

    python bench/hostile.py                  # all behaviours
    python bench/hostile.py --only gzip_bomb slow_drip

Prints a Markdown table: crashes, lost entries of the good feed, requests that reached a refused address,
requests that reached a host before its Retry-After deadline, expectation failures, peak RSS (this process
and the parser workers). Exit status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "src"))


def _hwm_mb(pid: int | str = "self") -> float:
    """Peak resident set of a live process (VmHWM), in MB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", nargs="*", help="behaviour names")
    args = ap.parse_args()

    from hostile.behaviours import BEHAVIOURS, Crash, Ctx
    from tracker import text

    names = args.only or sorted(BEHAVIOURS)
    crashes = lost = refused = early = 0
    failures: list[str] = []
    started = time.perf_counter()
    slowest: list[tuple[float, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            ctx = Ctx.open(Path(tmp) / name)
            (Path(tmp) / name).mkdir()
            t = time.perf_counter()
            try:
                BEHAVIOURS[name](ctx)
            except Crash as exc:
                failures.append(f"{name}: crash: {exc}")
            except AssertionError as exc:
                failures.append(f"{name}: expectation: {exc}"[:300])
            except Exception as exc:  # noqa: BLE001 - a bug in the behaviour itself, reported
                crashes += 1
                failures.append(f"{name}: {type(exc).__name__}: {exc}"[:300])
            finally:
                slowest.append((time.perf_counter() - t, name))
                crashes += ctx.crashes
                lost += ctx.lost
                refused += ctx.refused_hits
                early += ctx.early_hits
                ctx.close()
        wall = time.perf_counter() - started
        box = text.sandbox()
        workers = [w.proc.pid for w in list(box._all) if w.proc.pid]
        worker_peak = max([_hwm_mb(pid) for pid in workers] or [0.0])
        reaped_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        main_peak = _hwm_mb()
        restarts = box.restarts
        box.close()

    peak = max(main_peak, worker_peak, reaped_peak)
    rows = [
        ("behaviours run", f"{len(names)}", ">= 40"),
        ("crashes", f"{crashes}", "0"),
        ("lost entries from the good feed", f"{lost}", "0"),
        ("requests to refused addresses", f"{refused}", "0"),
        ("requests before a Retry-After deadline", f"{early}", "0"),
        ("expectation failures", f"{len(failures)}", "0"),
        ("peak RSS, poller process", f"{main_peak:.0f} MB", "< 512 MB"),
        ("peak RSS, one parser worker", f"{max(worker_peak, reaped_peak):.0f} MB", "< 512 MB"),
        ("parser workers killed and replaced", f"{restarts}", "-"),
        ("wall time", f"{wall:.1f} s", "-"),
    ]
    print("| metric | value | target |\n|---|---|---|")
    for metric, value, target in rows:
        print(f"| {metric} | {value} | {target} |")
    top = ", ".join(f"{n} {s:.1f} s" for s, n in sorted(slowest, reverse=True)[:5])
    print(f"\nSlowest behaviours: {top}. Machine load average at the end: {os.getloadavg()[0]:.1f}.")
    if failures:
        print("\nFailures:\n" + "\n".join(f"- {f}" for f in failures))
    ok = (
        crashes == lost == refused == early == 0
        and not failures
        and peak < 512
        and (args.only or len(names) >= 40)
    )
    return 0 if ok else 1


if __name__ == "__main__":  # the parser workers are spawned: they must not re-run this
    sys.exit(main())
