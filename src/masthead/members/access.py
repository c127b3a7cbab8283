"""The access policy: `can_read(member, page)`, the one place that says who reads a
gated article in full. news/visibility.py asks it through the policy registered in
apps.py (news never imports members).

- public: everyone;
- members: any signed-in member;
- paid: nobody yet, unless a payment provider registered with
  `register_paid_provider(provider)` says so: `provider(member, page) -> bool`
  (docs/members.md, "Plugging in payments").

Staff who may use the admin read every article in full on the site too: they can open
it in the editor anyway, and their pages are never cached.
"""

from collections.abc import Callable

from django.http import HttpRequest

from masthead.news import visibility
from masthead.news.access import AccessLevel

from .models import Member
from .sessions import current_member

_paid_providers: list[Callable[[Member, object], bool]] = []


def register_paid_provider(provider: Callable[[Member, object], bool]) -> None:
    if provider not in _paid_providers:
        _paid_providers.append(provider)


def unregister_paid_provider(provider: Callable[[Member, object], bool]) -> None:
    if provider in _paid_providers:
        _paid_providers.remove(provider)


def can_read(member: Member | None, page) -> bool:
    level = visibility.access_level(page)
    if level == AccessLevel.PUBLIC:
        return True
    if member is None:
        return False
    if level == AccessLevel.MEMBERS:
        return True
    return any(provider(member, page) for provider in _paid_providers)


def _staff_reader(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return bool(user and user.is_authenticated and user.has_perm("wagtailadmin.access_admin"))


def reader_policy(request: HttpRequest, page, level: str) -> bool:
    """What news/visibility.may_read_in_full asks for a gated article."""
    return _staff_reader(request) or can_read(current_member(request), page)
