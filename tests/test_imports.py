"""The fast paths stay fast: importing the CLI, the index and the query embedder pulls no heavy module."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ("torch", "sentence_transformers", "transformers", "trafilatura", "httpx")


@pytest.mark.parametrize("module", ["tracker.cli", "tracker.index", "tracker.embed"])
def test_import_does_not_pull_heavy_modules(module: str) -> None:
    code = (
        f"import sys, {module}\nheavy = [m for m in {HEAVY!r} if m in sys.modules]\nprint(','.join(heavy))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "", f"importing {module} imports {proc.stdout.strip()}"


def test_query_path_does_not_pull_heavy_modules() -> None:
    """Load the query embedder and the index reader, embed one question: still no torch."""
    code = (
        "import sys, tempfile\n"
        "from pathlib import Path\n"
        "from tracker.config import Paths\n"
        "from tracker.embed import Embedder\n"
        "from tracker.index import load_for_query\n"
        "Embedder().encode_query('How many parameters does Orbit-7 have?')\n"
        "load_for_query(Paths(Path(tempfile.mkdtemp())))\n"
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == ""


def test_cli_start_up_stays_lean() -> None:
    """`tracker --help` / `ask` start-up: no YAML parser (feeds only), no click package (typer vendors
    its own), no numpy / onnxruntime / faiss (the dense side imports them in its own process)."""
    code = (
        "import sys, tracker.cli\n"
        "lean = ('yaml', 'click', 'numpy', 'onnxruntime', 'faiss', 'tokenizers')\n"
        "print(','.join(m for m in lean if m in sys.modules))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == ""
