"""Writes of the members app: asking for a link, signing in, changing the address,
erasing an account. Views stay thin and call these."""

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from . import links, newsletter_bridge, sessions
from .models import Member, MemberLink


class EmailTaken(Exception):
    """The new address already belongs to another member."""


def safe_next(path: str) -> str:
    """A local path to return to after signing in, or "" (never another site)."""
    path = (path or "").strip()
    if not path.startswith("/") or "\\" in path or len(path) > 500:
        return ""
    if any(ord(char) < 32 or ord(char) == 127 for char in path):
        return ""  # browsers drop tabs and newlines: "/\t/evil.example" is "//evil.example"
    if not url_has_allowed_host_and_scheme(path, allowed_hosts=set()):
        return ""
    return path


def request_link(*, email: str, purpose: str, base_url: str, member: Member | None = None,
                 next_path: str = "") -> MemberLink:  # fmt: skip
    """Record a link for `email` and e-mail it after the commit (members/tasks.py). The
    same for known and unknown addresses: the member is created when the link is used."""
    from .tasks import send_member_link

    link = MemberLink.objects.create(
        purpose=purpose, email=email, member=member, next_path=safe_next(next_path)
    )
    transaction.on_commit(lambda: send_member_link.enqueue(link.pk, base_url))
    return link


def sign_in(request: HttpRequest, *, token: str) -> MemberLink:
    """Use a sign-in link: the member (created on first use) is signed in on `request`."""
    link = links.use_token(token, purpose=MemberLink.Purpose.SIGN_IN)
    member, _ = Member.objects.get_or_create(email=link.email)
    sessions.start(request, member)
    return link


def confirm_email_change(*, token: str) -> Member:
    """Use a change-of-address link: the member's address (and their newsletter
    subscriptions) move to the confirmed one."""
    with transaction.atomic():
        link = links.use_token(token, purpose=MemberLink.Purpose.CHANGE_EMAIL)
        member = Member.objects.select_for_update().filter(pk=link.member_id).first()
        if member is None:
            raise links.LinkRefused("invalid")
        old = member.email
        if old == link.email:
            return member
        if Member.objects.filter(email=link.email).exists():
            raise EmailTaken(link.email)
        member.email = link.email
        try:
            with transaction.atomic():
                member.save(update_fields=["email"])
        except IntegrityError:
            raise EmailTaken(link.email) from None
        MemberLink.objects.filter(email=old, member__isnull=True).delete()
        newsletter_bridge.change_email(old, link.email)
    return member


def erase_member(*, member: Member) -> dict[str, int]:
    """Delete the account and everything kept about its address: newsletter
    subscriptions, every link sent to it. What was erased, counted."""
    with transaction.atomic():
        subscriptions = newsletter_bridge.erase(member.email)
        stray, _ = MemberLink.objects.filter(email=member.email).delete()
        deleted, _ = Member.objects.filter(pk=member.pk).delete()  # its links cascade
    return {"subscriptions": subscriptions, "links": stray, "member": deleted}


def touch(member: Member) -> None:
    Member.objects.filter(pk=member.pk).update(last_sign_in_at=timezone.now())
