"""When two story fingerprints (text.story_fingerprint, a 64-bit simhash) are copies of one story.

Kept apart from text.py, which computes the fingerprints, so that the store reads the same threshold and the
same distance without importing the page-text stage.
"""

from __future__ import annotations

# Measured on the dev launch articles: a copy with a byline, a footer and one paragraph dropped differs by at
# most 13 bits (mean 6); two different launch articles by at least 19 (5th percentile 25).
SAME_STORY_BITS = 12


def fingerprint_distance(a: int, b: int) -> int:
    """Differing bits of two fingerprints."""
    return ((a ^ b) & ((1 << 64) - 1)).bit_count()


def same_story(a: int, b: int) -> bool:
    """True when two fingerprints are close enough to be copies of one story."""
    return fingerprint_distance(a, b) <= SAME_STORY_BITS
