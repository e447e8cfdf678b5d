"""Configuration: feeds.yaml (validated with pydantic), environment variables, data-dir paths."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictStr, ValidationError, field_validator

from .errors import ConfigError, StoreError
from .fileio import atomic_write_text
from .records import Feed
from .urls import check_feed_url

DEFAULT_FEEDS = "feeds.yaml"
DATABASE_SCHEMES = ("postgresql://", "postgres://")
_DATABASE_LINE = re.compile(r"""^database:[ \t]*["']?([^"'\s#]+)["']?[ \t]*(?:#.*)?$""", re.MULTILINE)
APP_DIR = "tracker"


class FeedsConfig(BaseModel):
    """The contents of feeds.yaml."""

    # defer_build: the validator is built when a feeds file is first read, not on every CLI start.
    model_config = ConfigDict(extra="forbid", defer_build=True)

    # Strict: "yes" or 1 must not quietly mean "allow every private address".
    allow_private: StrictBool | list[StrictStr] = False
    # a shared PostgreSQL store (postgresql://user@host/db); TRACKER_DATABASE_URL wins over it
    database: StrictStr | None = None
    feeds: list[Feed] = Field(default_factory=list)

    @field_validator("database")
    @classmethod
    def _database_is_postgres(cls, url: str | None) -> str | None:
        if url is not None and not url.startswith(DATABASE_SCHEMES):
            raise ValueError(
                "must be a postgresql:// URL (leave it out for the SQLite store in the data dir)"
            )
        return url

    @field_validator("feeds")
    @classmethod
    def _urls_are_http(cls, feeds: list[Feed]) -> list[Feed]:
        seen: set[str] = set()
        for feed in feeds:
            check_feed_url(feed.url)
            if feed.url in seen:
                raise ValueError(f"feed {feed.name!r}: duplicate url {feed.url!r}")
            seen.add(feed.url)
        return feeds

    @property
    def enabled_feeds(self) -> list[Feed]:
        return [f for f in self.feeds if f.enabled]


def load_feeds(path: str | Path) -> FeedsConfig:
    """Read and validate feeds.yaml; raise ConfigError naming the file, each bad field and the reason.

    Every problem is reported at once, one per line; feeds are numbered from 1 as a person counts them.
    """
    import yaml  # here, not at module level: `tracker ask` / `status` never read YAML (~15 ms)

    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError("file not found (create it with `tracker feeds add URL`)", path=str(path)) from None
    except IsADirectoryError:
        raise ConfigError("is a directory, not a feeds file", path=str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ConfigError(f"cannot read: {reason}", path=str(path)) from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"not valid YAML: {_yaml_reason(exc)}", path=str(path)) from None
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError("top level must be a mapping with 'feeds'", path=str(path))
    problems = _url_problems(raw)
    try:
        config = FeedsConfig.model_validate(raw)
    except ValidationError as exc:
        problems += _pydantic_problems(raw, exc, skip_feed_list=bool(problems))
    else:
        if not problems:
            return config
    problems.sort(key=lambda p: p[0])
    lines = [f"{path}: {where}: {why}" if where else f"{path}: {why}" for _, where, why in problems]
    raise ConfigError("\n".join(lines))


def _yaml_reason(exc: Exception) -> str:
    """'line 3, column 7: found unexpected end of stream (while parsing a flow sequence)'."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    context = getattr(exc, "context", None)
    where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
    return f"{where}{problem}" + (f" ({context})" if context else "")


def _feed_label(raw: dict[str, Any], index: int) -> str:
    feeds = raw.get("feeds")
    name = None
    if isinstance(feeds, list) and index < len(feeds) and isinstance(feeds[index], dict):
        name = feeds[index].get("name")
    return f"feed {index + 1}" + (f" ({name!r})" if isinstance(name, str) and name else "")


def _url_problems(raw: dict[str, Any]) -> list[tuple[tuple[int, int], str, str]]:
    """URL and duplicate problems of every feed whose url is a string: (sort key, where, why)."""
    out: list[tuple[tuple[int, int], str, str]] = []
    feeds = raw.get("feeds")
    if not isinstance(feeds, list):
        return out
    seen: dict[str, int] = {}
    for i, feed in enumerate(feeds):
        url = feed.get("url") if isinstance(feed, dict) else None
        if not isinstance(url, str):
            continue
        try:
            check_feed_url(url)
        except ValueError as exc:
            out.append(((i + 1, 0), f"{_feed_label(raw, i)} url", str(exc)))
            continue
        if url in seen:
            why = f"duplicate of feed {seen[url] + 1}: {url}"
            out.append(((i + 1, 0), f"{_feed_label(raw, i)} url", why))
        seen.setdefault(url, i)
    return out


_TYPE_REASONS = {
    "bool_type": "must be true or false",
    "string_type": "must be a string",
    "list_type": "must be a list",
    "dict_type": "must be a mapping (name: ..., url: ...)",
    "model_type": "must be a mapping (name: ..., url: ...)",
    "missing": "is required",
    "extra_forbidden": "unknown field",
}


def _pydantic_problems(
    raw: dict[str, Any], exc: ValidationError, *, skip_feed_list: bool
) -> list[tuple[tuple[int, int], str, str]]:
    """Readable problems from a pydantic error: no 'Value error, ' prefixes, feeds numbered from 1."""
    out: list[tuple[tuple[int, int], str, str]] = []
    said_allow = False
    for err in exc.errors():
        loc = list(err["loc"])
        if loc and loc[0] == "allow_private":
            if not said_allow:  # a union: pydantic reports one error per branch; say it once
                said_allow = True
                got = raw.get("allow_private")
                out.append(
                    (
                        (0, 0),
                        "allow_private",
                        f'must be true, false or a list of "host" / "host:port" strings, got {got!r}',
                    )
                )
            continue
        if loc == ["feeds"] and err["type"] == "value_error" and skip_feed_list:
            continue  # the URL checks above already said it, with the feed's position
        reason = _TYPE_REASONS.get(err["type"], str(err["msg"]).removeprefix("Value error, "))
        if err["type"] in ("bool_type", "string_type", "list_type") and "input" in err:
            reason += f", got {err['input']!r}"
        if len(loc) >= 2 and loc[0] == "feeds" and isinstance(loc[1], int):
            where = " ".join([_feed_label(raw, loc[1]), *(str(p) for p in loc[2:])])
            key = (loc[1] + 1, 1)
        else:
            where = ".".join(str(p) for p in loc)
            key = (0, 1)
        out.append((key, where, reason))
    return out


def save_feeds(config: FeedsConfig, path: str | Path) -> None:
    """Write feeds.yaml atomically."""
    import yaml

    path = Path(path)
    data = config.model_dump(mode="json")
    if data.get("database") is None:
        data.pop("database", None)  # the default (SQLite in the data dir) is not written out
    atomic_write_text(path, yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


@dataclass(frozen=True)
class Paths:
    """Where the data lives: the SQLite store, the derived index, the digests."""

    data_dir: Path
    database: str | None = None  # a postgresql:// URL: the store lives there, the rest stays in data_dir

    @property
    def db(self) -> Path:
        return self.data_dir / "tracker.db"

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def digests(self) -> Path:
        return self.data_dir / "digests"

    @property
    def lock(self) -> Path:
        return self.data_dir / "nightly.lock"

    def ensure(self) -> Paths:
        """Create the data dir when missing; StoreError (one line) when it cannot be one or be written."""
        where = self.data_dir
        if where.exists() and not where.is_dir():
            raise StoreError(f"{where}: the data dir is not a directory (set --data-dir or TRACKER_DATA_DIR)")
        try:
            where.mkdir(parents=True, exist_ok=True)
        except FileExistsError:  # a parent on the way is a regular file
            raise StoreError(f"{where}: cannot create the data dir: a part of the path is a file") from None
        except OSError as exc:
            raise StoreError(f"{where}: cannot create the data dir: {exc.strerror or exc}") from None
        if not os.access(where, os.W_OK | os.X_OK):
            raise StoreError(f"{where}: the data dir is not writable (read commands still work)")
        return self


# -- locations ----------------------------------------------------------------------------------------
# Defaults live in the user's directories, so `tracker ask` finds the same store from any working
# directory: TRACKER_HOME (data, feeds.yaml) when set, else the XDG base directories.
def _xdg(variable: str, fallback: str) -> Path:
    value = os.environ.get(variable, "")
    # The XDG spec: a relative value is invalid and must be ignored.
    return Path(value) if value and os.path.isabs(value) else Path.home() / fallback


def _home() -> Path | None:
    value = os.environ.get("TRACKER_HOME")
    return Path(value).expanduser().resolve() if value else None


def _data_dir_choice(option: str | Path | None) -> tuple[Path, str]:
    if option is not None and str(option) != "":
        return Path(option).expanduser().resolve(), "--data-dir"
    if os.environ.get("TRACKER_DATA_DIR"):
        return Path(os.environ["TRACKER_DATA_DIR"]).expanduser().resolve(), "TRACKER_DATA_DIR"
    home = _home()
    if home is not None:
        return home, "TRACKER_HOME"
    return (_xdg("XDG_DATA_HOME", ".local/share") / APP_DIR).resolve(), "XDG_DATA_HOME"


def _feeds_choice(option: str | Path | None) -> tuple[Path, str]:
    if option is not None and str(option) != "":
        return Path(option).expanduser(), "--feeds"
    if os.environ.get("TRACKER_FEEDS"):
        return Path(os.environ["TRACKER_FEEDS"]).expanduser(), "TRACKER_FEEDS"
    local = Path(DEFAULT_FEEDS)
    if local.is_file():  # a feeds.yaml in the working directory still wins, as before
        return local, "./feeds.yaml"
    home = _home()
    if home is not None:
        return home / DEFAULT_FEEDS, "TRACKER_HOME"
    return _xdg("XDG_CONFIG_HOME", ".config") / APP_DIR / DEFAULT_FEEDS, "XDG_CONFIG_HOME"


def cache_dir() -> Path:
    """The per-user cache (the exported embedding model): XDG_CACHE_HOME/tracker, else ~/.cache/tracker."""
    return _xdg("XDG_CACHE_HOME", ".cache") / APP_DIR


def resolve_data_dir(option: str | Path | None = None) -> Paths:
    """`--data-dir`, else TRACKER_DATA_DIR, else TRACKER_HOME, else $XDG_DATA_HOME/tracker."""
    return Paths(_data_dir_choice(option)[0])


def database_url(feeds_path: Path | None) -> str | None:
    """TRACKER_DATABASE_URL, else `database:` in feeds.yaml, else None (the SQLite store in the data dir).

    feeds.yaml is scanned for that one top-level line, not parsed: commands such as `ask` never load YAML.
    `load_feeds` validates the same field when it does read the file."""
    env = os.environ.get("TRACKER_DATABASE_URL", "").strip()
    if env:
        return env
    if feeds_path is None:
        return None
    try:
        text = feeds_path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    found = _DATABASE_LINE.search(text)
    # anything else (null, a typo) is not a store to open: load_feeds reports it where feeds.yaml is read
    return found.group(1) if found and found.group(1).startswith(DATABASE_SCHEMES) else None


def resolve_feeds_path(option: str | Path | None = None) -> Path:
    """`--feeds`, else TRACKER_FEEDS, else ./feeds.yaml when present, else TRACKER_HOME/feeds.yaml, else
    $XDG_CONFIG_HOME/tracker/feeds.yaml."""
    return _feeds_choice(option)[0]


def locations(data_dir: str | Path | None = None, feeds: str | Path | None = None) -> dict[str, Any]:
    """Every path in use and the rule that chose it (for `tracker paths`)."""
    data, data_from = _data_dir_choice(data_dir)
    feeds_path, feeds_from = _feeds_choice(feeds)
    paths = Paths(data)
    model_env = os.environ.get("TRACKER_MODEL_DIR")
    model = Path(model_env).expanduser() if model_env else cache_dir() / "model"
    return {
        "data_dir": str(data),
        "data_dir_from": data_from,
        "db": str(paths.db),
        "index": str(paths.index_dir),
        "digests": str(paths.digests),
        "feeds": str(feeds_path.absolute()),
        "feeds_from": feeds_from,
        "feeds_exists": feeds_path.is_file(),
        "model": str(model),
        "model_from": "TRACKER_MODEL_DIR" if model_env else "XDG_CACHE_HOME",
    }
