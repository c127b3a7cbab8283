"""How often links may be asked for: per address and per client, an hour.

Counters live in the shared cache (audience/guards.count, atomic across processes) under
keyed hashes: neither the address nor the client's IP is stored. Over the address's
limit the reader gets the same answer and no e-mail (no one can flood an inbox, and the
answer says nothing about the address); over the client's, a clear "try again later".
"""

import hashlib
import hmac

from django.conf import settings
from django.http import HttpRequest

from masthead.audience.guards import address_group, client_address, count

from . import conf

HOUR = 3600


def _key(kind: str, value: str) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), f"{kind}:{value}".encode(), hashlib.sha256)
    return f"masthead:members:limit:{kind}:{digest.hexdigest()[:32]}"


def client_allowed(request: HttpRequest) -> bool:
    group = address_group(client_address(request))
    return count(_key("client", group), timeout=HOUR) <= conf.links_per_client()


def address_allowed(email: str) -> bool:
    return count(_key("address", email), timeout=HOUR) <= conf.links_per_address()
