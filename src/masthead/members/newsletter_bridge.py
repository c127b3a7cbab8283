"""The newsletters app's interface as the account page uses it, in one place.

masthead.newsletters owns subscriptions; members only asks it, by address: which
newsletters an address is on, to set them, to move them to a new address, to erase
them and to export them. Where the newsletters app offers no such interface (a build
without it), there is nothing to show, move or erase.
"""

import importlib
from collections.abc import Iterable


def _function(module: str, name: str):
    try:
        return getattr(importlib.import_module(f"masthead.newsletters.{module}"), name)
    except (ImportError, AttributeError):
        return None


def newsletters_for(email: str) -> list:
    """[(newsletter, subscribed)] for the account page's checkboxes."""
    function = _function("selectors", "newsletters_for_email")
    return function(email) if function else []


def set_subscriptions(email: str, newsletter_ids: Iterable[int]) -> None:
    function = _function("services", "set_subscriptions")
    if function:
        # A signed-in member proved the address by clicking a link: no second opt-in.
        function(email=email, newsletter_ids=newsletter_ids, confirmed=True, source="account")


def change_email(old: str, new: str) -> None:
    function = _function("services", "change_email")
    if function:
        function(old=old, new=new)


def erase(email: str) -> int:
    function = _function("services", "erase_email")
    return function(email=email) if function else 0


def personal_data(email: str) -> dict:
    function = _function("selectors", "personal_data")
    return function(email=email) if function else {}


def confirmed_counts(emails: Iterable[str]) -> dict[str, int]:
    """{address: confirmed newsletters} for the admin's Members list (one query)."""
    try:
        from django.apps import apps
        from django.db.models import Count

        Subscription = apps.get_model("newsletters", "Subscription")
    except LookupError:
        return {}
    rows = (
        Subscription.objects.filter(subscriber__email__in=list(emails), status="confirmed")
        .values("subscriber__email")
        .annotate(n=Count("pk"))
    )
    return {row["subscriber__email"]: row["n"] for row in rows}
