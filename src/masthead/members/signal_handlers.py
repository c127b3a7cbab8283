"""One identity per session: a staff sign-in drops a member signed in on the same
browser (members/sessions.py says why)."""

from .sessions import SESSION_KEY


def drop_member_on_staff_login(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        request.session.pop(SESSION_KEY, None)
        request.__dict__.pop("_member", None)
