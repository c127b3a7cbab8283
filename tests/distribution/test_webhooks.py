"""Outgoing webhooks, delivered to a real HTTP server on 127.0.0.1."""

import hashlib
import hmac
import json
import socket
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import override_settings
from django_tasks import default_task_backend

from masthead.distribution import services
from masthead.distribution.models import Event, Webhook, WebhookDelivery
from masthead.distribution.tasks import deliver_webhook

DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
Status = WebhookDelivery.Status


@pytest.fixture(autouse=True)
def _no_narration(settings):
    # Publishing would otherwise narrate each article with the real voice.
    settings.MASTHEAD_NARRATION_ENABLED = False


@pytest.fixture
def hook(db, receiver) -> Webhook:
    return Webhook.objects.create(name="Partner app", url=receiver.url)


def signature_is_valid(secret: str, request: dict) -> bool:
    expected = "sha256=" + hmac.new(secret.encode(), request["body"], hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, request["headers"]["X-Masthead-Signature"])


def events(receiver) -> list[str]:
    return [json.loads(r["body"])["event"] for r in receiver.requests]


def pending_tasks() -> list:
    return [r for r in default_task_backend.results if r.task.name == "deliver_webhook"]


def run_next_task() -> str:
    """What the worker does: take the oldest queued delivery task and run it when it is due
    (by then the endpoint's rest after a failure, which ends no later, is over)."""
    result = pending_tasks()[0]
    default_task_backend.results.remove(result)
    if result.task.run_after is not None:
        Webhook.objects.filter(backoff_until__lte=result.task.run_after).update(backoff_until=None)
    return deliver_webhook.call(*result.args)


def test_publishing_posts_a_signed_json_payload_to_the_endpoint(
    django_capture_on_commit_callbacks, hook, receiver, make_article
):
    with django_capture_on_commit_callbacks(execute=True):
        article = make_article(title="Tarn bridge reopens", tags=["Transport"])
    (request,) = receiver.requests
    assert request["path"] == "/hooks/masthead"
    assert request["headers"]["Content-Type"] == "application/json"
    assert request["headers"]["X-Masthead-Event"] == "article.published"
    assert signature_is_valid(hook.secret, request)
    assert not signature_is_valid("another secret", request)
    payload = json.loads(request["body"])
    assert payload["event"] == "article.published"
    assert payload["id"] == request["headers"]["X-Masthead-Delivery"]
    assert payload["site"] == {"name": "The Calder Ledger", "url": "http://testserver/"}
    data = payload["data"]["article"]
    assert data["id"] == article.pk
    assert data["title"] == "Tarn bridge reopens"
    assert data["url"] == "http://testserver" + article.url
    assert data["api_url"] == f"http://testserver/api/v2/articles/{article.pk}/"
    assert data["live"] is True
    assert data["section"]["title"] == "News"
    assert data["authors"] == [
        {
            "name": "Mara Okafor",
            "slug": "mara-okafor",
            "url": "http://testserver/authors/mara-okafor/",
        }
    ]
    assert data["tags"] == [{"name": "Transport", "slug": "transport"}]
    assert data["published_at"].startswith(article.published_at.strftime("%Y-%m-%dT%H:%M"))


def test_the_delivery_is_recorded_with_its_status_code(
    django_capture_on_commit_callbacks, hook, receiver, make_article
):
    with django_capture_on_commit_callbacks(execute=True):
        article = make_article(title="Logged story")
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.response_status, delivery.attempts) == (
        Status.SUCCEEDED,
        200,
        1,
    )
    assert (delivery.webhook, delivery.event, delivery.article_id) == (
        hook,
        "article.published",
        article.pk,
    )
    (attempt,) = delivery.attempt_log.all()
    assert (attempt.number, attempt.status_code, attempt.response_excerpt) == (1, 200, "status 200")


def test_publishing_again_updates_and_unpublishing_is_announced(
    django_capture_on_commit_callbacks, hook, receiver, make_article
):
    with django_capture_on_commit_callbacks(execute=True):
        article = make_article(title="Evolving story")
    with django_capture_on_commit_callbacks(execute=True):
        article.save_revision().publish()
    with django_capture_on_commit_callbacks(execute=True):
        article.unpublish()
    with django_capture_on_commit_callbacks(execute=True):
        article.save_revision().publish()
    assert events(receiver) == [
        "article.published",
        "article.updated",
        "article.unpublished",
        "article.published",  # readers could not see it before this publish
    ]
    unpublished = json.loads(receiver.requests[2]["body"])["data"]["article"]
    assert unpublished["live"] is False


def test_deleting_a_live_article_is_announced_as_unpublished(
    django_capture_on_commit_callbacks, hook, receiver, make_article
):
    article = make_article(title="Doomed story")
    pk = article.pk
    with django_capture_on_commit_callbacks(execute=True):
        article.delete()
    assert events(receiver) == ["article.unpublished"]
    assert json.loads(receiver.requests[0]["body"])["data"]["article"]["id"] == pk


def test_a_scheduled_article_is_announced_when_it_goes_live_not_before(
    django_capture_on_commit_callbacks, hook, receiver, make_article
):
    from django.utils import timezone

    with django_capture_on_commit_callbacks(execute=True):
        article = make_article(title="Embargoed", publish=False)
        article.go_live_at = timezone.now() + timedelta(hours=1)
        article.save_revision().publish()
    assert receiver.requests == []


def test_an_endpoint_hears_only_the_events_it_chose(
    django_capture_on_commit_callbacks, receiver, make_article
):
    Webhook.objects.create(name="Archive", url=receiver.url, events=[Event.UNPUBLISHED])
    Webhook.objects.create(name="Switched off", url=receiver.url, is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        article = make_article(title="Quiet story")
    with django_capture_on_commit_callbacks(execute=True):
        article.unpublish()
    assert events(receiver) == ["article.unpublished"]


def test_each_endpoint_gets_its_own_signature(
    django_capture_on_commit_callbacks, receiver, make_article
):
    first = Webhook.objects.create(name="One", url=receiver.url)
    second = Webhook.objects.create(name="Two", url=receiver.url + "?second")
    with django_capture_on_commit_callbacks(execute=True):
        make_article(title="Twice told")
    by_path = {r["path"]: r for r in receiver.requests}
    assert signature_is_valid(first.secret, by_path["/hooks/masthead"])
    assert signature_is_valid(second.secret, by_path["/hooks/masthead?second"])


def test_narration_ready_is_announced_with_the_audio(
    django_capture_on_commit_callbacks, settings, receiver, make_article
):
    from masthead.narration import services as narration
    from tests.narration.fakes import ToneEngine

    settings.MASTHEAD_NARRATION_ENABLED = True
    article = make_article(title="Listen to this")  # on-commit narration not run
    Webhook.objects.create(name="Podcast app", url=receiver.url, events=[Event.NARRATION_READY])
    narration.narration_request(article_id=article.pk, force=True, enqueue=False)
    with django_capture_on_commit_callbacks(execute=True):
        narration.narration_generate(article_id=article.pk, engine=ToneEngine())
    (request,) = receiver.requests
    payload = json.loads(request["body"])
    assert payload["event"] == "narration.ready"
    assert payload["data"]["article"]["id"] == article.pk
    audio = payload["data"]["narration"]
    assert audio["audio_url"].startswith("http://testserver/media/narration/")
    assert audio["duration_seconds"] > 0
    assert audio["voice"] == "fake:tone"


def test_a_rolled_back_publish_sends_nothing(
    django_capture_on_commit_callbacks, hook, receiver, make_article
):
    article = make_article(title="Draft", publish=False)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            article.save_revision().publish()
            raise RuntimeError("the editor's request failed after publishing")
    assert callbacks == []
    assert receiver.requests == []
    assert not WebhookDelivery.objects.exists()


@override_settings(TASKS=DUMMY_TASKS)
def test_publishing_never_waits_for_the_endpoint(
    django_capture_on_commit_callbacks, monkeypatch, hook, receiver, make_article
):
    def no_http_while_publishing(*args, **kwargs):
        raise AssertionError("an HTTP request was made while publishing")

    monkeypatch.setattr("masthead.distribution.webhooks._send", no_http_while_publishing)
    receiver.hang_seconds = 30  # a dead endpoint: would hold a request for 30 s
    with django_capture_on_commit_callbacks(execute=True):
        make_article(title="Fast publish")
    assert receiver.requests == []
    assert [list(r.args) for r in pending_tasks()] == [[WebhookDelivery.objects.get().pk]]
    assert pending_tasks()[0].task.priority > 0  # ahead of narrations in the queue
    assert WebhookDelivery.objects.get().status == Status.PENDING


@override_settings(TASKS=DUMMY_TASKS, MASTHEAD_WEBHOOK_RETRY_DELAY=1000)
def test_a_500_answer_is_retried_later_with_exponential_backoff(
    django_capture_on_commit_callbacks, hook, receiver, make_article
):
    receiver.statuses = [500, 502]
    with django_capture_on_commit_callbacks(execute=True):
        make_article(title="Retried story")
    delivery = WebhookDelivery.objects.get()

    assert run_next_task() == Status.RETRYING
    first_retry = pending_tasks()[0].task.run_after
    delivery.refresh_from_db()
    assert (delivery.status, delivery.response_status) == (Status.RETRYING, 500)
    assert delivery.next_attempt_at == first_retry
    assert (
        timedelta(seconds=1000) <= first_retry - delivery.last_attempt_at < timedelta(seconds=1060)
    )

    assert run_next_task() == Status.RETRYING
    second_retry = pending_tasks()[0].task.run_after
    delivery.refresh_from_db()
    assert (
        timedelta(seconds=2000) <= second_retry - delivery.last_attempt_at < timedelta(seconds=2060)
    )

    assert run_next_task() == Status.SUCCEEDED
    delivery.refresh_from_db()
    assert (delivery.status, delivery.response_status, delivery.attempts) == (
        Status.SUCCEEDED,
        200,
        3,
    )
    assert [a.status_code for a in delivery.attempt_log.all()] == [500, 502, 200]
    assert delivery.attempt_history() == "500, 502, 200"
    assert pending_tasks() == []
    # Every attempt carried the same body, validly signed.
    assert len({r["body"] for r in receiver.requests}) == 1
    assert all(signature_is_valid(hook.secret, r) for r in receiver.requests)


@override_settings(TASKS=DUMMY_TASKS, MASTHEAD_WEBHOOK_MAX_ATTEMPTS=2)
def test_a_delivery_gives_up_after_the_last_attempt(
    django_capture_on_commit_callbacks, hook, receiver, make_article
):
    receiver.statuses = [500, 503]
    with django_capture_on_commit_callbacks(execute=True):
        make_article(title="Unlucky story")
    assert run_next_task() == Status.RETRYING
    assert run_next_task() == Status.FAILED
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.response_status, delivery.error) == (
        Status.FAILED,
        503,
        "HTTP 503",
    )
    assert pending_tasks() == []


@override_settings(TASKS=DUMMY_TASKS)
def test_a_refusal_is_final(django_capture_on_commit_callbacks, hook, receiver, make_article):
    receiver.statuses = [403]
    with django_capture_on_commit_callbacks(execute=True):
        make_article(title="Refused story")
    assert run_next_task() == Status.FAILED
    assert WebhookDelivery.objects.get().response_status == 403
    assert pending_tasks() == []


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@override_settings(TASKS=DUMMY_TASKS)
def test_a_dead_endpoint_is_recorded_and_retried(django_capture_on_commit_callbacks, make_article):
    Webhook.objects.create(name="Gone", url=f"http://127.0.0.1:{closed_port()}/hook")
    with django_capture_on_commit_callbacks(execute=True):
        make_article(title="Nobody listens")
    assert run_next_task() == Status.RETRYING
    delivery = WebhookDelivery.objects.get()
    assert delivery.response_status is None
    assert "ConnectionError" in delivery.error
    assert len(pending_tasks()) == 1


@override_settings(TASKS=DUMMY_TASKS, MASTHEAD_WEBHOOK_TIMEOUT=0.2)
def test_an_endpoint_that_never_answers_times_out(
    django_capture_on_commit_callbacks, hook, receiver, make_article
):
    receiver.hang_seconds = 3
    with django_capture_on_commit_callbacks(execute=True):
        make_article(title="Slow listener")
    assert run_next_task() == Status.RETRYING
    delivery = WebhookDelivery.objects.get()
    assert delivery.error == "No answer within 0.2 s"
    assert delivery.attempt_log.get().status_code is None


def test_a_switched_off_webhook_gets_no_more_retries(hook, receiver):
    delivery = WebhookDelivery.objects.create(
        webhook=hook, event=Event.PUBLISHED, body="{}", status=Status.RETRYING
    )
    Webhook.objects.filter(pk=hook.pk).update(is_active=False)
    assert services.webhook_deliver(delivery_id=delivery.pk) == Status.FAILED
    assert receiver.requests == []


def test_a_finished_delivery_is_not_sent_twice(hook, receiver):
    delivery = WebhookDelivery.objects.create(
        webhook=hook, event=Event.PUBLISHED, body="{}", status=Status.SUCCEEDED
    )
    assert services.webhook_deliver(delivery_id=delivery.pk) == "skipped"
    assert receiver.requests == []


def test_old_deliveries_leave_the_log(settings, hook, receiver):
    from django.utils import timezone

    settings.MASTHEAD_WEBHOOK_LOG_DAYS = 30
    old = WebhookDelivery.objects.create(webhook=hook, event=Event.PUBLISHED, body="{}")
    WebhookDelivery.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=31))
    fresh = WebhookDelivery.objects.create(webhook=hook, event=Event.PUBLISHED, body="{}")
    services.webhook_deliver(delivery_id=fresh.pk)
    assert list(WebhookDelivery.objects.all()) == [fresh]


# --- the admin ------------------------------------------------------------------------


@pytest.fixture
def admin_client(client, db):
    user = get_user_model().objects.create_superuser("chief", "chief@example.org", "pw")
    client.force_login(user)
    return client


def test_an_admin_adds_an_endpoint_with_chosen_events(admin_client, receiver):
    response = admin_client.get("/admin/webhooks/endpoints/new/")
    assert response.status_code == 200
    assert b'value="narration.ready"' in response.content
    response = admin_client.post(
        "/admin/webhooks/endpoints/new/",
        {
            "name": "Partner app",
            "url": receiver.url,
            "events": ["article.published", "narration.ready"],
            "secret": "s3cret-shared-with-the-partner",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content
    hook = Webhook.objects.get()
    assert hook.events == ["article.published", "narration.ready"]
    assert hook.secret == "s3cret-shared-with-the-partner"
    edit = BeautifulSoup(
        admin_client.get(f"/admin/webhooks/endpoints/edit/{hook.pk}/").content, "html.parser"
    )
    ticked = [
        box["value"] for box in edit.select('input[name="events"]') if box.has_attr("checked")
    ]
    assert ticked == ["article.published", "narration.ready"]


@override_settings(TASKS=DUMMY_TASKS)
def test_the_delivery_log_shows_every_status_code(
    django_capture_on_commit_callbacks, admin_client, hook, receiver, make_article
):
    receiver.statuses = [500]
    with django_capture_on_commit_callbacks(execute=True):
        make_article(title="Logged twice")
    run_next_task()
    run_next_task()
    listing = admin_client.get("/admin/webhooks/deliveries/").content.decode()
    assert "Logged twice" in listing
    assert "500, 200" in listing
    delivery = WebhookDelivery.objects.get()
    detail = admin_client.get(f"/admin/webhooks/deliveries/inspect/{delivery.pk}/").content.decode()
    assert "<td>500</td>" in detail and "<td>200</td>" in detail
    assert "status 500" in detail  # the endpoint's answer


def test_nobody_can_edit_or_delete_the_delivery_log(admin_client, hook):
    delivery = WebhookDelivery.objects.create(webhook=hook, event=Event.PUBLISHED, body="{}")
    for url in (
        "/admin/webhooks/deliveries/new/",
        f"/admin/webhooks/deliveries/edit/{delivery.pk}/",
        f"/admin/webhooks/deliveries/delete/{delivery.pk}/",
    ):
        assert admin_client.get(url).status_code in (302, 403, 404), url
    assert WebhookDelivery.objects.filter(pk=delivery.pk).exists()


def test_editors_without_permission_cannot_see_webhooks(client, hook):
    from django.contrib.auth.models import Permission

    user = get_user_model().objects.create_user("reporter", "r@example.org", "pw")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    for url in ("/admin/webhooks/endpoints/", "/admin/webhooks/deliveries/"):
        response = client.get(url)
        assert response.status_code in (302, 403), url
    assert hook.secret not in client.get("/admin/").content.decode()
