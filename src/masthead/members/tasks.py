"""The e-mail that carries a link, sent in the background (fast lane). Takes the link's
id; safe to run twice: the nonce is drawn once (links.issue_token), a second run sends
nothing."""

from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from . import conf, links
from .models import MemberLink

VIEWS = {
    MemberLink.Purpose.SIGN_IN: "members:sign-in-link",
    MemberLink.Purpose.CHANGE_EMAIL: "members:email-confirm",
}


@task()
def send_member_link(link_id: int, base_url: str) -> str:
    expired = timezone.now() - timedelta(seconds=conf.link_max_age())
    MemberLink.objects.filter(created_at__lt=expired).delete()  # nothing they can do now
    link = MemberLink.objects.filter(pk=link_id).first()
    if link is None:
        return "gone"
    token = links.issue_token(link)
    if token is None:
        return "sent already"
    url = base_url.rstrip("/") + reverse(VIEWS[link.purpose], args=[token])
    context = {
        "url": url,
        "minutes": max(1, conf.link_max_age() // 60),
        "site_name": settings.WAGTAIL_SITE_NAME,
        "purpose": link.purpose,
    }
    subject = (
        f"Your sign-in link for {settings.WAGTAIL_SITE_NAME}"
        if link.purpose == MemberLink.Purpose.SIGN_IN
        else f"Confirm your new address for {settings.WAGTAIL_SITE_NAME}"
    )
    body = render_to_string("members/email/link.txt", context)
    try:
        EmailMessage(subject, body, to=[link.email]).send()
    except Exception:
        # Not sent: the link may be issued again by a retry (its nonce is forgotten).
        MemberLink.objects.filter(pk=link.pk).update(nonce_hash=None, sent_at=None)
        raise
    return "sent"
