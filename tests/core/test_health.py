"""Health: worker heartbeats, the doctor command and /healthz (disk, workers, queue)."""

import json
import os
import socket
import subprocess
import time
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from masthead.core import health, housekeeping
from masthead.core.models import PendingFileDeletion, WorkerHeartbeat
from masthead.core.switches import set_webhooks_paused, webhooks_paused

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def beat(seconds_ago: float = 0, **fields) -> WorkerHeartbeat:
    now = timezone.now()
    values = {"worker_id": f"w-{time.monotonic_ns()}", "pid": 4242, "host": "worker-7.internal",
              "lane": "*", "started_at": now - timedelta(hours=1),
              "seen_at": now - timedelta(seconds=seconds_ago), **fields}  # fmt: skip
    return WorkerHeartbeat.objects.create(**values)


def queued_task(*, waited: float, status: str = "READY", started_ago: float | None = None):
    result = DBTaskResult.objects.create(
        status=status, args_kwargs={"args": [], "kwargs": {}},
        task_path="masthead.narration.tasks.generate_narration", backend_name="default",
        queue_name="default", run_after=get_date_max(),
        started_at=timezone.now() - timedelta(seconds=started_ago) if started_ago else None,
    )  # fmt: skip
    DBTaskResult.objects.filter(pk=result.pk).update(
        enqueued_at=timezone.now() - timedelta(seconds=waited)
    )
    return result


def healthz(client, query: str = ""):
    response = client.get("/healthz" + query)
    return response, json.loads(response.content)


@pytest.mark.django_db
def test_healthz_is_ok_with_a_live_worker_and_names_nothing_private(client, settings):
    beat(seconds_ago=5)
    response, body = healthz(client)
    assert response.status_code == 200
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "disk", "workers", "queue"}
    assert body["checks"]["workers"] == {"ok": True, "summary": "1 alive"}
    text = response.content.decode()
    for private in (str(settings.VAR_DIR), str(settings.MEDIA_ROOT), "worker-7", "4242",
                    settings.SECRET_KEY, socket.gethostname()):  # fmt: skip
        assert private not in text


@pytest.mark.django_db
def test_healthz_fails_with_503_when_no_worker_has_reported(client):
    response, body = healthz(client)
    assert response.status_code == 503
    assert body["status"] == "failing"
    assert body["failing"] == ["workers"]
    assert body["checks"]["workers"]["summary"] == "no worker is running"


@pytest.mark.django_db
def test_a_worker_that_stopped_reporting_is_reported_dead(client, settings):
    settings.MASTHEAD_HEALTH_WORKER_STALE = 60
    beat(seconds_ago=5)
    beat(seconds_ago=600)
    response, body = healthz(client)
    assert response.status_code == 503
    assert body["checks"]["workers"]["summary"] == "1 worker(s) stopped reporting (1 alive)"


@pytest.mark.django_db
def test_low_disk_space_fails_the_check_without_naming_the_folder(client, settings):
    beat()
    settings.MASTHEAD_HEALTH_MIN_FREE_MB = 10**12
    response, body = healthz(client)
    assert response.status_code == 503
    assert body["failing"] == ["disk"]
    assert body["checks"]["disk"]["summary"].startswith("low disk space: ")
    assert str(settings.VAR_DIR) not in response.content.decode()


@pytest.mark.django_db
def test_the_web_scope_checks_only_what_a_web_server_needs(client):
    response, body = healthz(client, "?scope=web")
    assert response.status_code == 200
    assert set(body["checks"]) == {"database", "disk"}


@pytest.mark.django_db
def test_a_task_waiting_too_long_and_one_running_too_long_fail_the_queue_check(client, settings):
    settings.TASKS = DB_TASKS
    settings.MASTHEAD_HEALTH_QUEUE_MAX_WAIT = 300
    settings.MASTHEAD_HEALTH_TASK_MAX_RUNTIME = 600
    beat()
    queued_task(waited=30)
    response, body = healthz(client)
    assert response.status_code == 200
    assert body["checks"]["queue"]["summary"] == "1 waiting, oldest 30 s"

    queued_task(waited=1000)
    queued_task(waited=2000, status="RUNNING", started_ago=900)
    response, body = healthz(client)
    assert response.status_code == 503
    assert body["failing"] == ["queue"]
    assert body["checks"]["queue"]["summary"] == (
        "a task has waited 1000 s to run (> 300 s); 1 task(s) running for more than 600 s"
    )


@pytest.mark.django_db
def test_healthz_is_never_cached(client, settings):
    settings.MASTHEAD_PAGE_CACHE_ENABLED = True
    first, _ = healthz(client)
    assert first.status_code == 503
    assert "no-store" in first["Cache-Control"]
    beat()
    second, body = healthz(client)
    assert second.status_code == 200 and body["status"] == "ok"
    assert "X-Cache" not in second


@pytest.mark.django_db
def test_doctor_exits_non_zero_with_readable_lines_on_problems(settings, capsys):
    settings.MASTHEAD_HEALTH_WORKER_STALE = 60
    beat(seconds_ago=900, worker_id="old-worker")
    with pytest.raises(CommandError, match="1 check\\(s\\) failing: workers"):
        call_command("doctor")
    out = capsys.readouterr().out
    assert "ok   database: answers" in out
    assert "FAIL workers: 1 worker(s) stopped reporting (0 alive)" in out
    assert "dead: old-worker (pid 4242 on worker-7.internal, lanes *) last seen 900 s ago" in out


@pytest.mark.django_db
def test_doctor_passes_and_can_forget_dead_workers(settings, capsys):
    settings.MASTHEAD_HEALTH_WORKER_STALE = 60
    beat(seconds_ago=900)
    with pytest.raises(CommandError):
        call_command("doctor", "--forget-dead-workers")
    assert "Forgot 1 dead worker(s)." in capsys.readouterr().out
    beat()
    call_command("doctor")
    assert "All checks pass." in capsys.readouterr().out


@pytest.mark.django_db
def test_record_heartbeat_updates_one_row_per_worker():
    started = timezone.now() - timedelta(minutes=5)
    first = health.record_heartbeat(worker_id="a", pid=1, host="h", lane="*", started_at=started)
    second = health.record_heartbeat(worker_id="a", pid=1, host="h", lane="*", started_at=started)
    assert WorkerHeartbeat.objects.count() == 1
    assert second.seen_at >= first.seen_at


@pytest.mark.django_db
def test_a_restarted_worker_forgets_the_rows_of_dead_processes_on_its_machine():
    finished = subprocess.Popen(["true"])
    finished.wait()
    host = socket.gethostname()
    beat(worker_id="dead-here", pid=finished.pid, host=host, seen_at=timezone.now())
    beat(worker_id="alive-here", pid=os.getppid(), host=host)
    beat(worker_id="elsewhere", pid=finished.pid, host="another-machine")
    assert health.forget_dead_predecessors(host=host, own_pid=os.getpid()) == 1
    assert sorted(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == [
        "alive-here",
        "elsewhere",
    ]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_heartbeat_thread_records_the_worker_and_removes_it_when_stopped(settings):
    settings.MASTHEAD_HEARTBEAT_INTERVAL = 0.05
    stop = health.start_heartbeat(worker_id=health.new_worker_id(), lane="narration,default")
    row = WorkerHeartbeat.objects.get()  # the first beat is recorded before it returns
    assert (row.pid, row.host, row.lane) == (os.getpid(), socket.gethostname(), "narration,default")
    first_seen = row.seen_at
    time.sleep(0.3)
    row.refresh_from_db()
    assert row.seen_at > first_seen
    stop()
    assert not WorkerHeartbeat.objects.exists()


@pytest.mark.django_db
def test_a_replaced_file_is_kept_for_the_grace_period_then_deleted(settings):
    settings.MASTHEAD_MEDIA_DELETE_GRACE = 3600
    name = default_storage.save("narration/1-old.mp3", ContentFile(b"old audio"))
    housekeeping.schedule_file_deletion(names=[name])
    assert housekeeping.delete_due_files() == 0
    assert default_storage.exists(name)
    later = timezone.now() + timedelta(seconds=3601)
    assert housekeeping.delete_due_files(now=later) == 1
    assert not default_storage.exists(name)
    assert not PendingFileDeletion.objects.exists()


@pytest.mark.django_db
def test_replaced_narration_audio_outlives_its_replacement_by_the_grace_period(
    settings, make_article, django_capture_on_commit_callbacks
):
    from masthead.narration import services
    from masthead.narration.models import Narration
    from tests.narration.fakes import ToneEngine

    settings.MASTHEAD_NARRATION_ENABLED = True
    settings.MASTHEAD_MEDIA_DELETE_GRACE = 3600
    article = make_article(title="Bridge reopens")

    def generate() -> Narration:
        services.narration_request(article_id=article.pk, force=True, enqueue=False)
        with django_capture_on_commit_callbacks(execute=True):
            services.narration_generate(article_id=article.pk, engine=ToneEngine())
        return Narration.objects.get(article=article)

    old = generate()
    article.title = "Bridge reopens, finally"
    article.save_revision().publish()
    new = generate()
    assert new.audio.name != old.audio.name
    assert default_storage.exists(old.audio.name) and default_storage.exists(old.timings.name)
    pending = set(PendingFileDeletion.objects.values_list("name", flat=True))
    assert pending == {old.audio.name, old.timings.name}
    housekeeping.delete_due_files(now=timezone.now() + timedelta(hours=2))
    assert not default_storage.exists(old.audio.name)
    assert default_storage.exists(new.audio.name)


@pytest.mark.django_db
def test_webhooks_can_be_paused_and_resumed_by_command(settings, capsys):
    assert not webhooks_paused()
    call_command("webhooks", "pause", "--note", "restored from backup")
    assert webhooks_paused()
    assert "paused: restored from backup" in capsys.readouterr().out
    call_command("webhooks", "resume")
    assert not webhooks_paused()
    settings.MASTHEAD_WEBHOOKS_PAUSED = True
    assert webhooks_paused()
    set_webhooks_paused(paused=False)
    assert webhooks_paused()


@pytest.mark.django_db
def test_resuming_webhooks_queues_every_delivery_still_waiting(settings, capsys):
    from django_tasks import default_task_backend

    from masthead.distribution.models import Event, Webhook, WebhookDelivery

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    default_task_backend.clear()
    hook = Webhook.objects.create(name="Partner app", url="https://partner.example/hook")
    Status = WebhookDelivery.Status
    deliveries = {
        status: WebhookDelivery.objects.create(
            webhook=hook, event=Event.PUBLISHED, body="{}", status=status
        )
        for status in (Status.PENDING, Status.RETRYING, Status.SUCCEEDED, Status.FAILED)
    }
    call_command("webhooks", "pause")
    call_command("webhooks", "resume")
    assert "Queued 2 waiting delivery(ies)." in capsys.readouterr().out
    queued = sorted(
        r.args[0] for r in default_task_backend.results if r.task.name == "deliver_webhook"
    )
    assert queued == sorted([deliveries[Status.PENDING].pk, deliveries[Status.RETRYING].pk])
