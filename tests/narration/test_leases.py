"""Claims, leases and the reconciler: a narration is never generated twice at once, and
never left "Generating" for ever by a worker that stopped."""

from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.db import OperationalError
from django.utils import timezone
from django_tasks import default_task_backend

from masthead.core.lanes import FRESH_PRIORITY, WorkerStopping, run_reconcilers
from masthead.narration import repair, services
from masthead.narration.models import Narration
from masthead.narration.script import build_script
from masthead.narration.tasks import generate_narration

from .fakes import BrokenEngine, InterruptedEngine, ToneEngine

DUMMY_TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.dummy.DummyBackend",
        "QUEUES": ["default", "slow"],
    }
}
Status = Narration.Status
BODY = [
    {"type": "paragraph", "value": "<p>The Tarn bridge reopened on Monday. Traffic was light.</p>"},
    {"type": "paragraph", "value": "<p>Repairs took a year. The council paid for them.</p>"},
]


@pytest.fixture(autouse=True)
def dummy_tasks(settings):
    settings.TASKS = DUMMY_TASKS  # tasks are recorded, not run: each test runs them itself


@pytest.fixture
def article(make_article):
    return make_article(title="Bridge reopens", body=BODY)


@pytest.fixture
def engine(monkeypatch) -> ToneEngine:
    """The engine tasks get (a fake: these tests are about orchestration)."""
    engine = ToneEngine()
    monkeypatch.setattr(services, "get_engine", lambda: engine)
    return engine


def enqueued() -> list:
    return [r for r in default_task_backend.results if r.task.name == "generate_narration"]


def queued(article) -> Narration:
    services.narration_request(article_id=article.pk, force=True, enqueue=False)
    return Narration.objects.get(article=article)


def claim_and_leave(article, *, renewed_ago: timedelta) -> Narration:
    """What a worker leaves behind: the narration claimed, its lease renewed `renewed_ago`."""
    claimed = services.narration_claim(article_id=article.pk, script=build_script(article))
    assert claimed is not None
    renewed = timezone.now() - renewed_ago
    Narration.objects.filter(pk=claimed.pk).update(lease_renewed_at=renewed)
    return Narration.objects.get(pk=claimed.pk)


def narration_files(article) -> list[str]:
    if not default_storage.exists("narration"):
        return []
    _, files = default_storage.listdir("narration")
    return sorted(f for f in files if f.startswith(f"{article.pk}-"))


def test_a_task_for_a_narration_another_worker_is_generating_does_nothing(article, engine):
    queued(article)
    held = claim_and_leave(article, renewed_ago=timedelta(seconds=5))
    assert generate_narration.call(article.pk, held.requested_hash) == "skipped (running)"
    assert engine.spoken == []
    after = Narration.objects.get(article=article)
    assert (after.status, after.lease_token, after.attempts) == (
        Status.RUNNING,
        held.lease_token,
        1,
    )


def test_a_task_takes_over_a_narration_whose_worker_stopped_renewing_its_lease(article, engine):
    queued(article)
    held = claim_and_leave(article, renewed_ago=timedelta(minutes=10))
    assert generate_narration.call(article.pk, held.requested_hash) == Status.READY
    narration = Narration.objects.get(article=article)
    assert narration.status == Status.READY and narration.has_audio
    assert narration.attempts == 2  # the run that died counts


def test_the_same_task_run_twice_generates_the_audio_once(
    article, engine, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.narration_request(article_id=article.pk, force=True)
    (task,) = enqueued()
    assert generate_narration.call(*task.args) == Status.READY
    assert generate_narration.call(*task.args) == "skipped (ready)"
    assert len(engine.spoken) == build_script(article).chunk_count


def test_a_run_whose_lease_was_taken_over_stops_and_keeps_none_of_its_files(article):
    queued(article)
    taken = {}

    def another_worker_takes_over() -> None:
        # As the reconciler and a second worker would once this run's lease ran out.
        Narration.objects.filter(article=article).update(
            lease_renewed_at=timezone.now() - timedelta(minutes=10)
        )
        taken["by"] = services.narration_claim(article_id=article.pk, script=build_script(article))

    engine = InterruptedEngine(at=2, action=another_worker_takes_over)
    assert services.narration_generate(article_id=article.pk, engine=engine) is None
    narration = Narration.objects.get(article=article)
    assert narration.status == Status.RUNNING
    assert narration.lease_token == taken["by"].lease_token
    assert len(engine.spoken) < build_script(article).chunk_count  # it stopped early
    assert not narration.has_audio and narration_files(article) == []


def test_the_reconciler_queues_a_stale_narration_again_on_the_slow_lane(
    article, django_capture_on_commit_callbacks
):
    queued(article)
    stale = claim_and_leave(article, renewed_ago=timedelta(minutes=10))
    with django_capture_on_commit_callbacks(execute=True):
        assert repair.narration_reconcile() == 1
        assert repair.narration_reconcile() == 0  # a second worker's reconciler: nothing left
    narration = Narration.objects.get(article=article)
    assert (narration.status, narration.lease_token) == (Status.QUEUED, "")
    (task,) = enqueued()
    assert task.args == [article.pk, stale.requested_hash]
    assert (task.task.queue_name, task.task.priority) == ("slow", FRESH_PRIORITY)


def test_the_reconciler_leaves_a_narration_whose_lease_is_fresh_alone(article):
    queued(article)
    held = claim_and_leave(article, renewed_ago=timedelta(seconds=30))
    assert repair.narration_reconcile() == 0
    narration = Narration.objects.get(article=article)
    assert (narration.status, narration.lease_token) == (Status.RUNNING, held.lease_token)


def test_the_worker_runs_the_narration_reconciler(article):
    queued(article)
    claim_and_leave(article, renewed_ago=timedelta(minutes=10))
    assert run_reconcilers() >= 1
    assert Narration.objects.get(article=article).status == Status.QUEUED


def test_a_narration_whose_worker_stopped_three_times_fails_with_a_clear_error(
    article, client, admin_user, settings
):
    settings.MASTHEAD_NARRATION_MAX_ATTEMPTS = 3
    queued(article)
    for _ in range(3):
        claim_and_leave(article, renewed_ago=timedelta(minutes=10))
        repair.narration_reconcile()
    narration = Narration.objects.get(article=article)
    assert narration.status == Status.FAILED
    assert narration.error == "The worker stopped while narrating (3 attempts)."
    client.force_login(admin_user)
    listing = client.get("/admin/narrations/?status=failed").content.decode()
    assert "Bridge reopens" in listing and "The worker stopped while narrating" in listing


def test_a_task_finding_the_last_attempt_stale_fails_it_instead_of_running_it(
    article, engine, settings
):
    settings.MASTHEAD_NARRATION_MAX_ATTEMPTS = 1
    queued(article)
    held = claim_and_leave(article, renewed_ago=timedelta(minutes=10))
    assert generate_narration.call(article.pk, held.requested_hash) == "skipped (failed)"
    assert engine.spoken == []
    assert "(1 attempts)" in Narration.objects.get(article=article).error


def test_a_worker_stopping_mid_narration_hands_it_back_without_counting_the_attempt(article):
    queued(article)
    ready = services.narration_generate(article_id=article.pk, engine=ToneEngine())
    before = narration_files(article)
    queued(article)

    def stop() -> None:
        raise WorkerStopping

    with pytest.raises(WorkerStopping):
        services.narration_generate(article_id=article.pk, engine=InterruptedEngine(2, stop))
    narration = Narration.objects.get(article=article)
    assert (narration.status, narration.attempts, narration.lease_token) == (Status.QUEUED, 0, "")
    assert narration.audio.name == ready.audio.name  # readers keep the previous audio
    assert narration_files(article) == before
    assert services.narration_generate(article_id=article.pk, engine=ToneEngine()).status == (
        Status.READY
    )


def test_a_stop_after_the_files_were_written_deletes_them(article, monkeypatch):
    queued(article)

    def stop_during_the_swap(*args, **kwargs):
        raise WorkerStopping

    monkeypatch.setattr(services, "_publish_audio", stop_during_the_swap)
    with pytest.raises(WorkerStopping):
        services.narration_generate(article_id=article.pk, engine=ToneEngine())
    assert narration_files(article) == []
    assert Narration.objects.get(article=article).status == Status.QUEUED


def test_the_task_lets_worker_stopping_through_and_schedules_no_retry(article, monkeypatch):
    def stop() -> None:
        raise WorkerStopping

    monkeypatch.setattr(services, "get_engine", lambda: InterruptedEngine(1, stop))
    narration = queued(article)
    with pytest.raises(WorkerStopping):
        generate_narration.call(article.pk, narration.requested_hash)
    assert enqueued() == []  # the worker puts its own task back in the queue
    assert Narration.objects.get(article=article).status == Status.QUEUED


def test_a_failure_that_cannot_be_recorded_keeps_the_original_error_and_is_repaired_later(
    article, engine, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    def disk_full(**kwargs):
        raise OperationalError("database or disk is full")

    narration = queued(article)
    monkeypatch.setattr(services, "narration_fail", disk_full)
    monkeypatch.setattr(services, "get_engine", lambda: BrokenEngine())
    with pytest.raises(RuntimeError, match="voice model crashed"):
        generate_narration.call(article.pk, narration.requested_hash)
    (record,) = [r for r in caplog.records if "could not be recorded" in r.getMessage()]
    assert "“Bridge reopens”" in record.getMessage()
    assert "voice model crashed" in record.getMessage()
    assert Narration.objects.get(article=article).status == Status.RUNNING

    monkeypatch.setattr(services, "get_engine", lambda: engine)  # the disk has room again
    Narration.objects.filter(article=article).update(
        lease_renewed_at=timezone.now() - timedelta(minutes=10)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert repair.narration_reconcile() == 1
    (task,) = enqueued()
    assert generate_narration.call(*task.args) == Status.READY


def test_an_article_unpublished_before_its_narration_ran_fails_and_publishing_again_queues_it(
    article, engine, django_capture_on_commit_callbacks
):
    narration = queued(article)
    article.unpublish()
    assert generate_narration.call(article.pk, narration.requested_hash) == "skipped (failed)"
    assert "not published" in Narration.objects.get(article=article).error
    with django_capture_on_commit_callbacks(execute=True):
        article.save_revision().publish()
    assert Narration.objects.get(article=article).status == Status.QUEUED
    assert len(enqueued()) == 1


def test_a_run_renews_its_lease_as_it_speaks_so_the_reconciler_leaves_it_alone(article):
    queued(article)
    seen = {}

    def age_the_lease() -> None:  # as if the voice had been slow to load
        Narration.objects.filter(article=article).update(
            lease_renewed_at=timezone.now() - timedelta(minutes=10)
        )

    def reconcile_midway() -> None:
        seen["repaired"] = repair.narration_reconcile()
        seen["status"] = Narration.objects.get(article=article).status

    engine = InterruptedEngine(actions={1: age_the_lease, 3: reconcile_midway})
    done = services.narration_generate(article_id=article.pk, engine=engine)
    assert seen == {"repaired": 0, "status": Status.RUNNING}
    assert done.status == Status.READY
