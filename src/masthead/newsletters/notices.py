"""The e-mails a reader asks for: the double opt-in confirmation, a fresh preferences link.
Plain text and a small HTML part, sent one at a time from a fast-lane task."""

from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from . import links
from .models import Subscriber, Subscription


def newsroom_name() -> str:
    return getattr(settings, "WAGTAIL_SITE_NAME", "Masthead")


def default_sender() -> str:
    return settings.MASTHEAD_EMAIL_FROM


def sender_for(newsletter) -> str:
    name, address = parseaddr(default_sender())
    return formataddr(
        (newsletter.sender_name or newsletter.name, newsletter.sender_address or address)
    )


def _send(*, to: str, subject: str, template: str, context: dict) -> None:
    context = {"newsroom": newsroom_name(), **context}
    text = render_to_string(f"newsletters/email/{template}.txt", context)
    html = render_to_string(f"newsletters/email/{template}.html", context)
    message = EmailMultiAlternatives(subject, text, default_sender(), [to])
    message.attach_alternative(html, "text/html")
    message.send()


def send_confirmation(subscriber: Subscriber) -> bool:
    if not subscriber.confirm_nonce:
        return False
    pending = subscriber.subscriptions.filter(status=Subscription.Status.PENDING)
    names = [s.newsletter.name for s in pending.select_related("newsletter")]
    if not names:
        return False
    url = links.confirm_url(subscriber_id=subscriber.pk, nonce=subscriber.confirm_nonce)
    _send(
        to=subscriber.email,
        subject=f"Confirm your subscription to {newsroom_name()}",
        template="confirm",
        context={"names": names, "url": url, "days": links.tokens._days("CONFIRM_DAYS", 7)},
    )
    return True


def send_preferences_link(subscriber: Subscriber) -> None:
    url = links.preferences_url(subscriber_id=subscriber.pk)
    _send(
        to=subscriber.email,
        subject=f"Your {newsroom_name()} newsletters",
        template="preferences",
        context={"url": url},
    )
