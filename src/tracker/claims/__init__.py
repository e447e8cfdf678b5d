"""Claim extraction: model mentions, values and the rules that tie them into Claims (pure, no I/O).

from tracker.claims import extract_claims, find_model_mentions, canonical_model_name
"""

from __future__ import annotations

from .extract import extract_claims, read_article
from .mentions import ModelMention, canonical_model_name, find_model_mentions
from .orgs import canonical_org

__all__ = [
    "ModelMention",
    "canonical_model_name",
    "canonical_org",
    "extract_claims",
    "find_model_mentions",
    "read_article",
]
