"""tracker.urls: the one URL check (feed syntax, http(s) only, address rules) that config, feeds_admin and
fetch share."""

from __future__ import annotations

import pytest

from tracker.fetch import AddressPolicy
from tracker.urls import AddressRules, check_feed_url, is_http


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://example.test/feed.xml", True),
        ("http://[::1]:8080/feed", True),
        ("ftp://example.test/feed", False),
        ("https:///no-host", False),
        ("https://exa mple.test/", False),
        ("https://example.test:0/", False),
        ("https://bad_label-.test/", False),
    ],
)
def test_check_feed_url(url: str, ok: bool) -> None:
    if ok:
        assert check_feed_url(url) == url
    else:
        with pytest.raises(ValueError):
            check_feed_url(url)


def test_is_http() -> None:
    assert is_http("HTTPS://example.test/") and is_http("http://x.test")
    assert (
        not is_http("javascript:alert(1)") and not is_http("file:///etc/passwd") and not is_http("http://[")
    )


@pytest.mark.parametrize(
    ("allow", "url", "refused"),
    [
        (False, "https://example.test/feed", None),  # a name: judged on its addresses at fetch time
        (False, "http://127.0.0.1:8080/feed", "private / loopback / reserved"),
        (False, "http://[::ffff:10.0.0.1]/feed", "private / loopback / reserved"),
        (False, "http://localhost:8080/feed", "loopback name"),
        (["localhost:8080"], "http://localhost:8080/feed", None),
        (["127.0.0.1"], "http://127.0.0.1:9/feed", None),
        (True, "http://10.1.2.3/feed", None),
        (False, "http://93.184.216.34/feed", None),
    ],
)
def test_refusal_without_the_network(allow: bool | list[str], url: str, refused: str | None) -> None:
    why = AddressRules(allow).refusal(url)
    if refused is None:
        assert why is None
    else:
        assert why is not None and refused in why and "allow_private" in why


def test_fetch_policy_is_the_same_rules() -> None:
    assert issubclass(AddressPolicy, AddressRules)
