"""Where webhooks may go: public internet addresses, unless an operator allows more.

A webhook URL is typed by an administrator, and the worker requests it from inside the
newsroom's network. Without a check, `http://169.254.169.254/` (a cloud's metadata
service), `http://localhost:6379/` or `http://10.0.0.5/admin/` would be requested, and
their answers shown in the delivery log. So:

- the endpoint form refuses a URL whose host is, or resolves to, a loopback, private,
  link-local, shared (CGNAT), reserved, multicast or unspecified address;
- every delivery resolves the host once, checks every address, and connects to a checked
  address (webhooks.post): a name that changes its answer between the check and the
  connection (DNS rebinding) cannot slip through;
- MASTHEAD_WEBHOOK_ALLOWED_HOSTS lists the exceptions: host names (as written in the
  URL), addresses, or networks such as 10.1.0.0/16.
"""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

from django.conf import settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
DEFAULT_PORTS = {"http": 80, "https": 443}
# IPv6 forms that carry an IPv4 address inside: checked as that IPv4 address too.
NAT64 = ipaddress.ip_network("64:ff9b::/96")
SITE_LOCAL = ipaddress.ip_network("fec0::/10")


class RefusedDestination(ValueError):
    """The URL may not be requested; the message says why, for the administrator."""


@dataclass(frozen=True)
class Destination:
    url: SplitResult
    host: str
    port: int
    addresses: tuple[str, ...]  # checked, in the resolver's order

    @property
    def https(self) -> bool:
        return self.url.scheme == "https"

    @property
    def host_header(self) -> str:
        return self.url.netloc.rpartition("@")[2]

    @property
    def target(self) -> str:
        """The path and query, as sent on the request line."""
        path = self.url.path or "/"
        return f"{path}?{self.url.query}" if self.url.query else path


def allowed_hosts() -> list[str]:
    value = getattr(settings, "MASTHEAD_WEBHOOK_ALLOWED_HOSTS", [])
    if isinstance(value, str):
        value = value.split(",")
    return [entry.strip().lower().rstrip(".") for entry in value if entry.strip()]


def _allowed_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    networks = []
    for entry in allowed_hosts():
        try:
            networks.append(ipaddress.ip_network(entry.strip("[]"), strict=False))
        except ValueError:
            continue  # a host name
    return networks


def is_public(ip: IPAddress) -> bool:
    """An address on the public internet (not one of the newsroom's own networks)."""
    if ip.version == 6:
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if ip in NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None and not is_public(embedded):
            return False
        if ip in SITE_LOCAL:
            return False
    return ip.is_global and not ip.is_multicast


def _is_allowed(ip: IPAddress) -> bool:
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return is_public(ip) or any(ip in network for network in _allowed_networks())


def parse(url: str) -> tuple[SplitResult, str, int]:
    parts = urlsplit(url.strip())
    if parts.scheme not in DEFAULT_PORTS:
        raise RefusedDestination("Only http:// and https:// URLs can receive webhooks.")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise RefusedDestination("The URL has no host name.")
    try:
        port = parts.port or DEFAULT_PORTS[parts.scheme]
    except ValueError as error:
        raise RefusedDestination("The URL's port is not a number from 1 to 65535.") from error
    return parts, host, port


def resolve(host: str, port: int) -> list[str]:
    """The host's addresses, in the resolver's order (an address is itself)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(info[4][0] for info in infos))


def destination(url: str) -> Destination:
    """Resolve the URL's host once and check every address; raises RefusedDestination.

    socket.gaierror (the name does not resolve) is left to the caller: an answer may
    come later, and nothing was requested.
    """
    parts, host, port = parse(url)
    addresses = resolve(host, port)
    if host.lower() in allowed_hosts():
        return Destination(parts, host, port, tuple(addresses))
    for address in addresses:
        if not _is_allowed(ipaddress.ip_address(address.split("%")[0])):
            raise RefusedDestination(refusal(host))
    return Destination(parts, host, port, tuple(addresses))


def refusal(host: str) -> str:
    return (
        f"{host} is, or resolves to, a loopback, private, link-local or otherwise "
        "internal address. Webhooks only go to public internet addresses; the "
        "server's operator can allow a host with MASTHEAD_WEBHOOK_ALLOWED_HOSTS."
    )


def url_problem(url: str) -> str:
    """Why the endpoint form refuses `url`, or "" when it may be saved.

    A name that does not resolve yet is accepted (the receiver may not be set up yet);
    every delivery checks it again.
    """
    try:
        destination(url)
    except RefusedDestination as refused:
        return str(refused)
    except (OSError, UnicodeError):
        return ""
    return ""
