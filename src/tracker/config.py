"""Configuration: feeds.yaml (validated with pydantic), environment variables, data-dir paths."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .errors import ConfigError
from .fileio import atomic_write_text
from .models import Feed

DEFAULT_FEEDS = "feeds.yaml"
DEFAULT_DATA_DIR = "data"


class FeedsConfig(BaseModel):
    """The contents of feeds.yaml."""

    # defer_build: the validator is built when a feeds file is first read, not on every CLI start.
    model_config = ConfigDict(extra="forbid", defer_build=True)

    allow_private: bool | list[str] = False
    feeds: list[Feed] = Field(default_factory=list)

    @field_validator("feeds")
    @classmethod
    def _urls_are_http(cls, feeds: list[Feed]) -> list[Feed]:
        seen: set[str] = set()
        for feed in feeds:
            if not feed.url.lower().startswith(("http://", "https://")):
                raise ValueError(f"feed {feed.name!r}: url must be http(s), got {feed.url!r}")
            if feed.url in seen:
                raise ValueError(f"feed {feed.name!r}: duplicate url {feed.url!r}")
            seen.add(feed.url)
        return feeds

    @property
    def enabled_feeds(self) -> list[Feed]:
        return [f for f in self.feeds if f.enabled]


def load_feeds(path: str | Path) -> FeedsConfig:
    """Read and validate feeds.yaml; raise ConfigError naming the file, field and reason."""
    import yaml  # here, not at module level: `tracker ask` / `status` never read YAML (~15 ms)

    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError("file not found", path=str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read: {exc}", path=str(path)) from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"not valid YAML: {exc}".replace("\n", " "), path=str(path)) from None
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError("top level must be a mapping with 'feeds'", path=str(path))
    try:
        return FeedsConfig.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"]) or None
        raise ConfigError(err["msg"], path=str(path), field=field) from None


def save_feeds(config: FeedsConfig, path: str | Path) -> None:
    """Write feeds.yaml atomically."""
    import yaml

    path = Path(path)
    data = config.model_dump(mode="json")
    atomic_write_text(path, yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


@dataclass(frozen=True)
class Paths:
    """Where the data lives: the SQLite store, the derived index, the digests."""

    data_dir: Path

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
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return self


def resolve_data_dir(option: str | Path | None = None) -> Paths:
    """`--data-dir`, else TRACKER_DATA_DIR, else ./data."""
    value = option or os.environ.get("TRACKER_DATA_DIR") or DEFAULT_DATA_DIR
    return Paths(Path(value).expanduser().resolve())


def resolve_feeds_path(option: str | Path | None = None) -> Path:
    """`--feeds`, else TRACKER_FEEDS, else ./feeds.yaml."""
    return Path(option or os.environ.get("TRACKER_FEEDS") or DEFAULT_FEEDS).expanduser()
