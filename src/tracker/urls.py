"""URLs, checked once: a feed URL's syntax (`check_feed_url`, for feeds.yaml and `feeds add`), the
http(s)-only rule, and the address rules (`AddressRules`: which hosts and IPs we may connect to under
feeds.yaml `allow_private`), read by config, feeds_admin and fetch (which adds the resolver).

Light on purpose: config imports it at every CLI start, so `ipaddress` is imported where it is used.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from .errors import RefusedAddressError

if TYPE_CHECKING:
    import ipaddress


def is_http(url: str) -> bool:
    """Whether a URL is http or https (what we fetch, follow and link to)."""
    try:
        return urlsplit(url).scheme.lower() in ("http", "https")
    except ValueError:
        return False


# A DNS host name: dot-separated labels of letters, digits and inner hyphens (IDN labels as punycode).
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$", re.IGNORECASE)


def check_feed_url(url: str) -> str:
    """Return `url` when it is a usable http(s) feed URL, else raise ValueError saying why."""
    if not url.strip():
        raise ValueError("URL is empty")
    if any(ch.isspace() or not ch.isprintable() for ch in url):
        raise ValueError(f"URL contains spaces or control characters: {url!r}")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise ValueError(f"not a valid URL ({exc}): {url!r}") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise ValueError(f"must be an http(s) URL, got {url!r}")
    host = parts.hostname
    if not host:
        raise ValueError(f"URL has no host: {url!r}")
    if port == 0:
        raise ValueError(f"URL has port 0: {url!r}")
    if "[" in parts.netloc:
        import ipaddress  # only here: every CLI start imports this module

        try:
            ipaddress.IPv6Address(host.split("%")[0])
        except ValueError:
            raise ValueError(f"not a valid IPv6 address in URL: {url!r}") from None
        return url
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        raise ValueError(f"not a valid host name {host!r} in URL: {url!r}") from None
    labels = ascii_host.rstrip(".").split(".")
    if not all(_LABEL.match(label) for label in labels):
        raise ValueError(f"not a valid host name {host!r} in URL: {url!r}")
    return url


def ip_refused(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """True for every address a feed has no business pointing us at."""
    import ipaddress

    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip_refused(ip.ipv4_mapped)
    if isinstance(ip, ipaddress.IPv6Address) and ip.sixtofour is not None:
        return ip_refused(ip.sixtofour)
    return (
        ip.is_loopback
        or ip.is_private
        or ip.is_link_local  # includes 169.254.169.254, the cloud metadata address
        or ip.is_multicast
        or ip.is_unspecified
        or ip.is_reserved
        or not ip.is_global  # CGNAT 100.64/10, documentation ranges, ...
    )


class AddressRules:
    """Which addresses we may connect to.

    `allow_private`: True (everything), False (public addresses only), or a list of "host" / "host:port"
    entries that may be private (matched against the URL's host name or the resolved IP, and the port).
    """

    def __init__(self, allow_private: bool | Iterable[str] = False) -> None:
        self.allow_all = allow_private is True
        entries = [] if isinstance(allow_private, bool) else list(allow_private)
        self._hosts: set[str] = set()
        self._host_ports: set[tuple[str, int]] = set()
        for entry in entries:
            host, port = split_entry(entry)
            if port is None:
                self._hosts.add(host)
            else:
                self._host_ports.add((host, port))

    def _allowed_name(self, name: str, port: int) -> bool:
        name = name.lower().strip("[]")
        return name in self._hosts or (name, port) in self._host_ports

    def check_url(self, url: str) -> None:
        """Refuse non-http(s) URLs and IP literals the policy refuses (before any connection)."""
        import ipaddress

        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            scheme = parts.scheme or "none"
            raise RefusedAddressError(f"only http(s) URLs are fetched, not {scheme!r}", url=url)
        if not parts.hostname:
            raise RefusedAddressError("URL has no host", url=url)
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            raise RefusedAddressError("URL has an invalid port", url=url) from None
        try:
            ip = ipaddress.ip_address(parts.hostname)
        except ValueError:
            return  # a name: checked on its resolved addresses at connect time
        self.check_ip(parts.hostname, port, ip, url=url)

    def check_ip(
        self,
        host: str,
        port: int,
        ip: ipaddress.IPv4Address | ipaddress.IPv6Address,
        *,
        url: str | None = None,
    ) -> None:
        """Raise RefusedAddressError unless connecting to `ip` (resolved from `host`) is allowed."""
        if self.allow_all or not ip_refused(ip):
            return
        if self._allowed_name(host, port) or self._allowed_name(str(ip), port):
            return
        raise RefusedAddressError(
            f"refused address {ip} for {host}:{port} (private / loopback / reserved)", url=url
        )

    def refusal(self, url: str) -> str | None:
        """Why these rules will refuse the URL, judged without the network (IP literals and loopback
        names such as localhost; another name is judged on its resolved addresses at fetch time)."""
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        port = parts.port or (443 if parts.scheme == "https" else 80)
        unless = f'; ingest will refuse it unless feeds.yaml allow_private lists "{host}" or "{host}:{port}"'
        if host == "localhost" or host.endswith(".localhost"):
            if self.allow_all or self._allowed_name(host, port):
                return None
            return f"{host} is a loopback name{unless}"
        try:
            self.check_url(url)
        except RefusedAddressError:
            return f"{host} is a private / loopback / reserved address{unless}"
        return None


def split_entry(entry: str) -> tuple[str, int | None]:
    entry = entry.strip().lower()
    if entry.startswith("["):  # [::1]:8080
        host, _, rest = entry[1:].partition("]")
        return host, int(rest[1:]) if rest.startswith(":") and rest[1:].isdigit() else None
    if entry.count(":") == 1:
        host, _, port = entry.partition(":")
        if port.isdigit():
            return host, int(port)
    return entry, None
