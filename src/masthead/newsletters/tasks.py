"""Background work. Notices (confirmation e-mails) on the fast lane; sends on the slow
lane (core/lanes.py). Tasks take primary keys and are safe to run twice."""

import logging

from django_tasks import task

from masthead.core.lanes import FAST_LANE, FRESH_PRIORITY, SLOW_LANE

logger = logging.getLogger("masthead.newsletters")


@task(queue_name=FAST_LANE)
def send_confirmation(subscriber_id: int) -> bool:
    from . import notices
    from .models import Subscriber

    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    return bool(subscriber) and notices.send_confirmation(subscriber)


@task(queue_name=FAST_LANE)
def send_preferences_link(subscriber_id: int) -> bool:
    from . import notices
    from .models import Subscriber

    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    if subscriber is None:
        return False
    notices.send_preferences_link(subscriber)
    return True


@task(queue_name=SLOW_LANE)
def deliver_send(send_id: int) -> str:
    from . import sending

    return sending.deliver(send_id=send_id)


def enqueue_delivery(send_id: int, run_after=None) -> None:
    options = {"queue_name": SLOW_LANE, "run_after": run_after}
    if deliver_send.get_backend().supports_priority:
        options["priority"] = FRESH_PRIORITY
    deliver_send.using(**options).enqueue(send_id)
