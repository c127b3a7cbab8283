"""A member's sign-in lives in Django's session under its own key, never in request.user.

Why Django's session rather than a cookie of our own: the session cookie is what every
cache layer already treats as "signed in, never cache" (core/page_cache.py, both of its
layers, and the Varnish configuration in deploy/varnish, which drops every other cookie),
so a member's page can never be stored or served from a cache, and a reader without the
cookie keeps getting cached pages and no cookie at all. The session is created only when
someone signs in.

Separation from staff: a member is no Django user, so `request.user` stays anonymous and
every admin view refuses the session. One session is one identity: a member signing in
signs a staff user out of that browser first, and a staff sign-in drops the member
(members/signal_handlers.py), so neither can become the other by accident.
"""

from django.contrib.auth import logout
from django.http import HttpRequest
from django.utils import timezone

from . import conf
from .models import Member

SESSION_KEY = "masthead_member_id"


def start(request: HttpRequest, member: Member) -> None:
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        logout(request)
    request.session.cycle_key()  # no session fixation: a fresh key for the new identity
    request.session[SESSION_KEY] = member.pk
    request.session.set_expiry(conf.session_days() * 86400)
    Member.objects.filter(pk=member.pk).update(last_sign_in_at=timezone.now())
    request._member = member


def end(request: HttpRequest) -> None:
    if request.session.get(SESSION_KEY) is None:
        return
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        request.session.pop(SESSION_KEY)
        request.session.cycle_key()
    else:
        request.session.flush()  # nothing else in it: the cookie goes too
    request._member = None


def current_member(request: HttpRequest) -> Member | None:
    """The member signed in on this request, or None (one query, once per request)."""
    if hasattr(request, "_member"):
        return request._member
    session = getattr(request, "session", None)
    member_id = session.get(SESSION_KEY) if session is not None else None
    member = Member.objects.filter(pk=member_id).first() if member_id else None
    request._member = member
    return member
