"""Pydantic records that cross stage boundaries: Feed, Entry, Article, Claim, Source, Answer."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictStr

from .attributes import ATTRIBUTES, Attribute  # noqa: F401 - ATTRIBUTES re-exported for callers of records

Status = Literal["stated", "expected"]
Role = Literal["training", "inference", "unspecified"]
ClaimValue = int | float | str
# Validators are built on first use, not at import: every CLI start imports this module, and most commands
# (ask, status, --help) never validate most of these records. Building them all up front cost ~40 ms.
_DEFERRED = ConfigDict(defer_build=True)


class Feed(BaseModel):
    """One feed of feeds.yaml."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    # Strict: feeds.yaml is typed by hand; `enabled: 1` or `name: 42` is a mistake to report, not coerce.
    name: StrictStr
    url: StrictStr
    tags: list[StrictStr] = Field(default_factory=list)
    enabled: StrictBool = True


# What the store keeps about each feed between runs; poll computes it, the store saves it.
FEED_STATE_FIELDS = (
    "name",
    "etag",
    "last_modified",
    "last_checked",
    "last_success",
    "last_new",
    "consecutive_errors",
    "last_error",
    "retry_after",
    "entries_seen",
)


class Entry(BaseModel):
    """One item of a parsed feed, before its page is fetched."""

    model_config = _DEFERRED

    feed_url: str
    guid: str
    link: str | None = None
    title: str = ""
    published: datetime | None = None
    content: str = ""  # the feed's own text (summary or content), a fallback when the page fails


class Article(BaseModel):
    """The main text of one article and where it came from."""

    model_config = _DEFERRED

    id: int | None = None
    url: str
    canonical_url: str
    title: str = ""
    source: str = ""  # site or feed name, for citations
    feed_url: str | None = None
    guid: str | None = None
    published: datetime | None = None
    text: str
    content_hash: str = ""
    story_id: int | None = None  # articles of one syndicated story share it


class Claim(BaseModel):
    """One fact an article states about one named model, with its exact source span."""

    model_config = _DEFERRED

    model: str
    attribute: Attribute
    value: ClaimValue
    name: str | None = None  # benchmark name
    role: Role | None = None  # hardware role
    status: Status = "stated"
    evidence: str
    start: int
    end: int
    id: int | None = None
    article_id: int | None = None

    def jsonable(self) -> dict[str, object]:
        """The claim as the eval kit's JSONL expects it (no None fields, integral numbers as ints)."""
        out: dict[str, object] = {
            "model": self.model,
            "attribute": self.attribute,
            "value": plain_value(self.value),
        }
        if self.name is not None:
            out["name"] = self.name
        if self.role is not None:
            out["role"] = self.role
        out.update(status=self.status, evidence=self.evidence, start=self.start, end=self.end)
        return out


class Source(BaseModel):
    """A citation: the article and the sentence that backs an answer."""

    model_config = _DEFERRED

    title: str
    url: str
    published: str | None = None
    evidence: str
    source: str = ""
    claim_id: int | None = None
    article_id: int | None = None


class Answer(BaseModel):
    """One (model, attribute[, name]) answer with its support and disagreements."""

    model_config = _DEFERRED

    model: str
    attribute: Attribute
    value: ClaimValue
    name: str | None = None
    role: Role | None = None
    status: Status = "stated"
    support: int = 1  # distinct sources (a syndicated story counts once)
    conflict: bool = False
    others: list[Answer] = Field(default_factory=list)  # the other values when sources disagree
    sources: list[Source] = Field(default_factory=list)
    score: float = 0.0

    def jsonable(self) -> dict[str, object]:
        """The answer as `tracker ask --json` prints it."""
        return {
            "model": self.model,
            "attribute": self.attribute,
            "value": plain_value(self.value),
            "name": self.name,
            "role": self.role,
            "status": self.status,
            "support": self.support,
            "conflict": self.conflict,
            "others": [
                {"value": plain_value(o.value), "status": o.status, "support": o.support} for o in self.others
            ],
            "sources": [
                {"title": s.title, "url": s.url, "published": s.published, "evidence": s.evidence}
                for s in self.sources
            ],
        }


def plain_value(value: ClaimValue) -> ClaimValue:
    """An integral float as an int (2.0 -> 2), for JSON a reader expects; anything else as it is."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e18:
        return int(value)
    return value


class CitedClaim(BaseModel):
    """A stored claim joined with the article it came from (what ask / digest / conflicts consume)."""

    model_config = _DEFERRED

    claim: Claim
    article_id: int
    story_id: int
    title: str
    url: str
    source: str = ""
    published: datetime | None = None

    def as_source(self) -> Source:
        return Source(
            title=self.title,
            url=self.url,
            published=self.published.date().isoformat() if self.published else None,
            evidence=self.claim.evidence,
            source=self.source,
            claim_id=self.claim.id,
            article_id=self.article_id,
        )
