"""A failing endpoint rests instead of holding the worker once per delivery; a delivery
left "sending" by a dead worker is sent again; paused deliveries wait."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone
from django_tasks import default_task_backend

from masthead.core.switches import set_webhooks_paused
from masthead.distribution import services
from masthead.distribution.models import Event, Webhook, WebhookDelivery
from masthead.distribution.tasks import deliver_webhook

DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
Status = WebhookDelivery.Status
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _tasks_kept_not_run(settings):
    settings.TASKS = DUMMY_TASKS
    settings.MASTHEAD_NARRATION_ENABLED = False


@pytest.fixture
def hook(receiver) -> Webhook:
    return Webhook.objects.create(name="Partner app", url=receiver.url)


def delivery(hook: Webhook, **fields) -> WebhookDelivery:
    return WebhookDelivery.objects.create(webhook=hook, event=Event.PUBLISHED, body="{}",
                                          **fields)  # fmt: skip


def queued() -> list:
    return [r for r in default_task_backend.results if r.task.name == "deliver_webhook"]


@override_settings(MASTHEAD_WEBHOOK_RETRY_DELAY=60)
def test_after_a_failure_the_endpoints_other_deliveries_wait_without_an_attempt(hook, receiver):
    receiver.statuses = [503]
    first, second = delivery(hook), delivery(hook)
    assert services.webhook_deliver(delivery_id=first.pk) == Status.RETRYING
    hook.refresh_from_db()
    assert hook.failures_in_a_row == 1
    assert timedelta(seconds=55) < hook.backoff_until - timezone.now() <= timedelta(seconds=60)

    assert services.webhook_deliver(delivery_id=second.pk) == Status.RETRYING
    second.refresh_from_db()
    assert (second.attempts, second.next_attempt_at) == (0, hook.backoff_until)
    assert len(receiver.requests) == 1  # the resting endpoint was not asked again
    assert [r.task.run_after for r in queued()][-1] == hook.backoff_until


@override_settings(MASTHEAD_WEBHOOK_RETRY_DELAY=60)
def test_a_success_ends_the_endpoints_rest(hook, receiver):
    Webhook.objects.filter(pk=hook.pk).update(failures_in_a_row=3, backoff_until=timezone.now())
    assert services.webhook_deliver(delivery_id=delivery(hook).pk) == Status.SUCCEEDED
    hook.refresh_from_db()
    assert (hook.failures_in_a_row, hook.backoff_until) == (0, None)


@override_settings(MASTHEAD_WEBHOOK_RETRY_DELAY=600)
def test_an_endpoint_rests_at_most_an_hour(hook, receiver):
    receiver.statuses = [500]
    Webhook.objects.filter(pk=hook.pk).update(failures_in_a_row=9)
    services.webhook_deliver(delivery_id=delivery(hook).pk)
    hook.refresh_from_db()
    assert hook.backoff_until - timezone.now() <= timedelta(hours=1)


@override_settings(MASTHEAD_WEBHOOK_LEASE=30)
def test_a_delivery_left_sending_by_a_dead_worker_is_queued_again_and_sent_with_its_id(
    hook, receiver
):
    long_ago = timezone.now() - timedelta(seconds=31)
    stuck = delivery(hook, status=Status.SENDING, attempts=1, last_attempt_at=long_ago)
    recent = delivery(hook, status=Status.SENDING, attempts=1, last_attempt_at=timezone.now())
    assert services.webhook_reconcile() == 1
    stuck.refresh_from_db()
    assert stuck.status == Status.RETRYING
    (task,) = queued()
    assert task.args == [stuck.pk]
    assert deliver_webhook.call(*task.args) == Status.SUCCEEDED
    (request,) = receiver.requests
    assert request["headers"]["X-Masthead-Delivery"] == str(stuck.uuid)
    # One still within its lease belongs to a worker that may be sending it right now.
    assert services.webhook_deliver(delivery_id=recent.pk) == "skipped"


@override_settings(MASTHEAD_WEBHOOK_LEASE=30)
def test_the_re_run_task_of_a_dead_worker_takes_a_delivery_whose_lease_ran_out(hook, receiver):
    long_ago = timezone.now() - timedelta(seconds=31)
    stuck = delivery(hook, status=Status.SENDING, attempts=1, last_attempt_at=long_ago)
    assert services.webhook_deliver(delivery_id=stuck.pk) == Status.SUCCEEDED
    stuck.refresh_from_db()
    assert stuck.attempts == 2


def test_paused_deliveries_wait_and_are_sent_after_resuming(hook, receiver):
    held = delivery(hook)
    set_webhooks_paused(paused=True, note="restored")
    assert services.webhook_deliver(delivery_id=held.pk) == "held"
    held.refresh_from_db()
    assert (held.status, held.attempts, receiver.requests) == (Status.PENDING, 0, [])
    set_webhooks_paused(paused=False)
    assert services.webhook_deliver(delivery_id=held.pk) == Status.SUCCEEDED
