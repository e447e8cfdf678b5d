"""The CLI as a person meets it: help everywhere, clean errors, exit codes, no heavy imports on --help."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import typer.main

from helpers import CliResult
from tracker.cli import app


def _commands() -> Iterator[tuple[str, ...]]:
    """Every command path of the Typer app, groups included: (), ("ingest",), ("feeds", "list"), ..."""
    root = typer.main.get_command(app)

    def walk(cmd: Any, path: tuple[str, ...]) -> Iterator[tuple[str, ...]]:
        yield path
        if _is_group(cmd):
            for name, sub in sorted(cmd.commands.items()):
                yield from walk(sub, (*path, name))

    yield from walk(root, ())


def _is_group(cmd: Any) -> bool:
    return isinstance(getattr(cmd, "commands", None), dict)  # typer's groups are not always click.Group


def _lookup(path: tuple[str, ...]) -> Any:
    cmd: Any = typer.main.get_command(app)
    for part in path:
        cmd = cmd.commands[part]
    return cmd


COMMANDS = list(_commands())


def test_the_app_has_the_contract_commands() -> None:
    names = {c[0] for c in COMMANDS if c}
    assert {"ingest", "add", "status", "reindex", "models", "export"} <= names


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "tracker")
def test_every_command_answers_help(path: tuple[str, ...], run_cli: Callable[..., CliResult]) -> None:
    result = run_cli(*path, "--help")
    assert result.code == 0, result.stderr
    assert "Usage:" in result.stdout
    if path:  # each command says what it does (its docstring), not just its options
        cmd = _lookup(path)
        assert (cmd.help or "").strip(), f"`tracker {' '.join(path)}` has no help text"


def test_leaf_commands_show_an_example() -> None:
    missing = []
    for path in COMMANDS:
        cmd = _lookup(path)
        if path and not _is_group(cmd) and "tracker" not in (cmd.help or ""):
            missing.append(" ".join(path))
    assert not missing, f"commands without an example in their help: {missing}"


def test_bad_config_is_one_line_exit_2(tmp_path: Path, run_cli: Callable[..., CliResult]) -> None:
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text("feeds:\n  - name: No URL here\n    tags: [x]\n", encoding="utf-8")
    result = run_cli("--feeds", str(feeds), "ingest")
    assert result.code == 2
    err = result.stderr
    assert "Traceback" not in err
    assert str(feeds) in err and "url" in err  # the file, the field and the reason
    assert len(err.strip().splitlines()) == 1


def test_bad_yaml_and_missing_file_are_exit_2(tmp_path: Path, run_cli: Callable[..., CliResult]) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("feeds: [unclosed\n", encoding="utf-8")
    for path in (broken, tmp_path / "absent.yaml"):
        result = run_cli("--feeds", str(path), "ingest")
        assert result.code == 2, result.stderr
        assert "Traceback" not in result.stderr
        assert str(path) in result.stderr


def test_non_http_feed_url_is_refused_by_config(tmp_path: Path, run_cli: Callable[..., CliResult]) -> None:
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text("feeds:\n  - name: Local file\n    url: file:///etc/passwd\n", encoding="utf-8")
    result = run_cli("--feeds", str(feeds), "ingest")
    assert result.code == 2
    assert "http" in result.stderr and "Traceback" not in result.stderr


def test_add_missing_file_is_usage_error(tmp_path: Path, run_cli: Callable[..., CliResult]) -> None:
    result = run_cli("add", str(tmp_path / "nope.txt"))
    assert result.code == 2
    assert "nope.txt" in result.stderr and "Traceback" not in result.stderr


def test_add_bad_date_is_usage_error(tmp_path: Path, run_cli: Callable[..., CliResult]) -> None:
    doc = tmp_path / "a.txt"
    doc.write_text("Nothing much.", encoding="utf-8")
    result = run_cli("add", str(doc), "--published", "last tuesday")
    assert result.code == 2
    assert "--published" in result.stderr


def test_unknown_option_is_exit_2(run_cli: Callable[..., CliResult]) -> None:
    result = run_cli("status", "--no-such-flag")
    assert result.code == 2
    assert "Traceback" not in result.stderr


def test_export_rejects_unknown_format(run_cli: Callable[..., CliResult]) -> None:
    result = run_cli("export", "--format", "xlsx")
    assert result.code == 2
    assert "csv" in result.stderr


def test_status_on_an_empty_data_dir(run_cli: Callable[..., CliResult], tmp_path: Path) -> None:
    result = run_cli("--feeds", str(tmp_path / "absent.yaml"), "status", "--json")
    assert result.code == 0, result.stderr
    info = json.loads(result.stdout)
    assert info["articles"] == 0 and info["claims"] == 0 and info["models"] == 0
    assert info["feeds"] == [] and info["last_ingest"] is None


def test_models_and_export_on_an_empty_store(run_cli: Callable[..., CliResult]) -> None:
    assert json.loads(run_cli("models", "--json").stdout) == []
    result = run_cli("export", "--format", "csv")
    assert result.code == 0
    assert result.stdout.splitlines()[0].startswith("claim_id,model,attribute,value")


def test_ask_on_an_empty_store_says_so(run_cli: Callable[..., CliResult]) -> None:
    if "ask" not in {c[0] for c in COMMANDS if c}:
        pytest.skip("`tracker ask` is not part of the app yet")
    result = run_cli("ask", "How many parameters does Llama 3.1 405B have?")
    out = (result.stdout + result.stderr).lower()
    assert "nothing ingested yet" in out
    assert "Traceback" not in result.stderr


def test_help_does_not_import_torch() -> None:
    code = (
        "import sys\n"
        "from tracker.cli import app\n"
        "try:\n    app(['--help'], standalone_mode=False)\n"
        "except SystemExit:\n    pass\n"
        "heavy = sorted(m for m in ('torch', 'sentence_transformers', 'faiss', 'onnxruntime', 'trafilatura',"
        " 'transformers') if m in sys.modules)\n"
        "print('HEAVY=' + ','.join(heavy))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "HEAVY=\n" in proc.stdout, proc.stdout


def test_verbose_shows_the_traceback(tmp_path: Path, run_cli: Callable[..., CliResult]) -> None:
    result = run_cli("-v", "--feeds", str(tmp_path / "absent.yaml"), "ingest")
    assert result.code != 0
    assert "Traceback" in result.stderr
