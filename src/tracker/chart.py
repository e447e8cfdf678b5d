"""The digest's chart: input price vs total parameters, as deterministic PNG bytes.

matplotlib is imported here only (the digest imports this module lazily) and used through the
object-oriented API with the Agg canvas, so no GUI backend and no global pyplot state are involved. The
default style, a fixed size and dpi, and PNG metadata stripped make reruns byte-identical.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable

WIDTH_IN, HEIGHT_IN, DPI = 7.0, 4.5, 100


def price_size_png(points: list[tuple[str, float, float, bool]]) -> bytes:
    """Scatter of (label, total parameters, input $ per 1M tokens, expected?) on log-log axes."""
    import matplotlib
    import matplotlib.style

    matplotlib.use("Agg", force=False)
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter, NullFormatter

    points = sorted(points)
    with matplotlib.style.context("default"), matplotlib.rc_context({"svg.hashsalt": "tracker"}):
        fig = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI)
        FigureCanvasAgg(fig)
        ax = fig.add_subplot(1, 1, 1)
        stated = [p for p in points if not p[3]]
        expected = [p for p in points if p[3]]
        if stated:
            ax.scatter(
                [p[1] for p in stated],
                [p[2] for p in stated],
                s=36,
                color="#1f77b4",
                label="stated",
                zorder=3,
            )
        if expected:
            ax.scatter(
                [p[1] for p in expected],
                [p[2] for p in expected],
                s=36,
                facecolors="none",
                edgecolors="#d62728",
                label="expected / rumoured",
                zorder=3,
            )
        lo, hi = math.log10(min(p[1] for p in points)), math.log10(max(p[1] for p in points))
        for label, x, y, _ in points:
            # Labels of points on the right go to their left, so they stay inside the axes.
            right = hi > lo and (math.log10(x) - lo) / (hi - lo) > 0.6
            # parse_math=False: a "$" in a model name must not turn into mathtext.
            ax.annotate(
                label,
                (x, y),
                xytext=(-5 if right else 5, 4),
                textcoords="offset points",
                ha="right" if right else "left",
                fontsize=8,
                parse_math=False,
            )
        ax.set_xscale("log")
        ax.set_yscale("log")
        # Plain labels ("300B", "$0.5") instead of 3x10^11; minor ticks labelled only on short ranges,
        # where there would otherwise be one labelled tick or none.
        for axis, values, fmt in (
            (ax.xaxis, [p[1] for p in points], _count),
            (ax.yaxis, [p[2] for p in points], _price),
        ):
            axis.set_major_formatter(FuncFormatter(fmt))
            short = math.log10(max(values) / min(values)) < 1.5
            axis.set_minor_formatter(FuncFormatter(_sparse(fmt)) if short else NullFormatter())
        ax.set_xlabel("Total parameters")
        ax.set_ylabel("Input price, US$ per 1M tokens")
        ax.set_title("Price vs size of the models in this digest")
        ax.grid(True, which="major", linewidth=0.4, alpha=0.6)
        ax.margins(0.15)
        if expected:
            ax.legend(loc="best", fontsize=8)
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None})
    return buf.getvalue()


def _sparse(fmt: Callable[[float, int | None], str]) -> Callable[[float, int | None], str]:
    """Label a minor tick only at 2x and 5x a power of ten, so labels never collide."""

    def label(value: float, pos: int | None = None) -> str:
        if value <= 0:
            return ""
        mantissa = value / 10 ** math.floor(math.log10(value))
        return fmt(value, pos) if round(mantissa, 6) in (2.0, 5.0) else ""

    return label


def _count(x: float, _pos: int | None = None) -> str:
    for factor, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M")):
        if x >= factor:
            return f"{x / factor:.3g}{suffix}"
    return f"{x:g}"


def _price(y: float, _pos: int | None = None) -> str:
    return f"${y:.3g}"
