""" "Regenerate" while a narration is being generated: no work thrown away, no traceback."""

import logging

import pytest
from django_tasks import default_task_backend

from masthead.core.lanes import FRESH_PRIORITY
from masthead.narration import services
from masthead.narration.models import Narration
from masthead.narration.tasks import generate_narration

from .fakes import BrokenEngine, InterruptedEngine, ToneEngine

DUMMY_TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.dummy.DummyBackend",
        "QUEUES": ["default", "slow"],
    }
}
Status = Narration.Status


@pytest.fixture
def article(make_article):
    body = [{"type": "paragraph", "value": "<p>The Tarn bridge reopened. Traffic was light.</p>"}]
    return make_article(title="Bridge reopens", body=body)


def test_regenerate_during_a_generation_queues_a_new_one_and_the_running_one_installs_its_audio(
    article, client, admin_user, settings, caplog, monkeypatch, django_capture_on_commit_callbacks
):
    settings.TASKS = DUMMY_TASKS
    client.force_login(admin_user)
    pages = []

    def editor_clicks_regenerate() -> None:
        url = f"/admin/narrations/{article.pk}/regenerate/"
        with django_capture_on_commit_callbacks(execute=True):
            pages.append(client.post(url, {"next": "/admin/narrations/"}, follow=True))

    services.narration_request(article_id=article.pk, force=True, enqueue=False)
    engine = InterruptedEngine(at=2, action=editor_clicks_regenerate)
    services.narration_generate(article_id=article.pk, engine=engine)

    (page,) = pages
    assert page.status_code == 200
    assert "is being narrated right now" in page.content.decode()
    narration = Narration.objects.get(article=article)
    assert narration.status == Status.QUEUED  # for the editor's newer request
    assert narration.has_audio and narration.duration > 0  # the finished run's audio
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert "InvalidTransition" not in caplog.text

    (task,) = [r for r in default_task_backend.results if r.task.name == "generate_narration"]
    assert task.task.priority == FRESH_PRIORITY
    monkeypatch.setattr(services, "get_engine", ToneEngine)
    assert generate_narration.call(*task.args) == Status.READY


def test_every_log_line_of_a_narration_names_its_article(article, caplog):
    caplog.set_level(logging.INFO, logger="masthead.narration")
    label = f"“Bridge reopens” (article {article.pk})"
    services.narration_request(article_id=article.pk, force=True, enqueue=False)
    services.narration_generate(article_id=article.pk, engine=ToneEngine())
    services.narration_request(article_id=article.pk, force=True, enqueue=False)
    with pytest.raises(RuntimeError):
        services.narration_generate(article_id=article.pk, engine=BrokenEngine())
    lines = [r.getMessage() for r in caplog.records if r.name == "masthead.narration"]
    assert any(line.startswith(f"Narrating {label}") for line in lines)
    assert any(line.startswith(f"Narration of {label} ready") for line in lines)
    assert f"Narration of {label} failed (attempt 1 of 3): voice model crashed" in lines
    assert all(label in line for line in lines)
