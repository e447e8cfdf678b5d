"""One exception tree for the whole package; `cli.py` alone maps it to exit codes.

TrackerError                 base; exit 1
├── UsageError               bad arguments or input the user gave; exit 2
│   └── ConfigError          feeds.yaml / environment invalid; exit 2
├── FetchError               one feed or page could not be fetched (network, HTTP status, limits)
│   └── RefusedAddressError  the address is loopback / private / link-local and not allowed
├── ParseError               a feed or page could not be parsed within its limits
├── StoreError               SQLite trouble (corrupt file, schema from the future)
├── IndexError_              the FAISS index is unusable (caller rebuilds it from the store)
├── NotFoundError            the thing asked about is not in the store (a model, an article); exit 4
├── LockedError              another `tracker nightly` holds the lock; exit 75
└── PartialFailure           some feeds failed, the rest were ingested; exit 3
"""

from __future__ import annotations


class TrackerError(Exception):
    """Base of every error tracker raises on purpose."""

    exit_code = 1


class UsageError(TrackerError):
    """The user asked for something malformed."""

    exit_code = 2


class ConfigError(UsageError):
    """Invalid configuration: says the file, the field and the reason."""

    def __init__(self, message: str, *, path: str | None = None, field: str | None = None) -> None:
        self.path = path
        self.field = field
        where = ": ".join(p for p in (path, field) if p)
        super().__init__(f"{where}: {message}" if where else message)


class FetchError(TrackerError):
    """A feed or page could not be downloaded within our limits."""

    def __init__(self, message: str, *, url: str | None = None, status: int | None = None) -> None:
        self.url = url
        self.status = status
        super().__init__(message)


class RefusedAddressError(FetchError):
    """The URL resolves to an address that the policy refuses."""


class ParseError(TrackerError):
    """Bytes we downloaded could not be parsed (or parsing exceeded its limits)."""


class StoreError(TrackerError):
    """The SQLite store is unusable."""


class IndexError_(TrackerError):  # noqa: N801 - avoid shadowing the builtin IndexError
    """The vector index is missing or unusable; it can be rebuilt from the store."""


class NotFoundError(TrackerError):
    """What the user asked about is not there (an unknown model, an article id): nothing found."""

    exit_code = 4


class LockedError(TrackerError):
    """Another run holds the nightly lock."""

    exit_code = 75


class PartialFailure(TrackerError):
    """Some feeds failed; the others were ingested."""

    exit_code = 3
