"""Narration orchestration: when it runs, what it keeps, what readers see."""

import feedparser
import pytest
from bs4 import BeautifulSoup
from django.core.files.storage import default_storage
from django.test import override_settings
from django_tasks import default_task_backend

from masthead.narration import services
from masthead.narration.models import Narration, PronunciationEntry
from masthead.narration.script import build_script

from .fakes import BrokenEngine, ToneEngine

DUMMY_TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.dummy.DummyBackend",
        "QUEUES": ["default", "slow"],
    }
}
BODY = [
    {"type": "paragraph", "value": "<p>The Tarn bridge reopened on Monday. Traffic was light.</p>"},
    {"type": "heading", "value": "What changed"},
    {"type": "pull_quote", "value": {"quote": "It feels new.", "attribution": "A driver"}},
    {"type": "image", "value": {"image": None, "alt": "x", "caption": "A caption nobody hears"}},
]


@pytest.fixture
def article(make_article):
    body = [b for b in BODY if b["type"] != "image"]
    return make_article(title="Bridge reopens", body=body)


def enqueued(name: str = "generate_narration") -> list:
    return [r for r in default_task_backend.results if r.task.name == name]


def generate(article, engine=None) -> Narration:
    services.narration_request(article_id=article.pk, force=True, enqueue=False)
    return services.narration_generate(article_id=article.pk, engine=engine or ToneEngine())


def test_script_speaks_headline_byline_and_body_but_not_captions(article, image):
    script = build_script(article)
    chunks = [c for s in script.sentences for c in s.chunks]
    assert chunks[0] == "Bridge reopens"
    assert chunks[1] == "By Mara Okafor."
    assert "It feels new." in chunks
    assert "What changed" in chunks
    assert not any("caption" in c for c in chunks)
    targets = [s.target for s in script.sentences]
    assert targets[:3] == ["headline", "byline", "block-0"]


def test_lexicon_is_applied_to_the_spoken_text(article):
    PronunciationEntry.objects.create(phrase="Tarn", spoken="Tahrn")
    chunks = [c for s in build_script(article).sentences for c in s.chunks]
    assert any("Tahrn bridge" in c for c in chunks)


@override_settings(TASKS=DUMMY_TASKS)
def test_publishing_enqueues_a_narration_task(django_capture_on_commit_callbacks, make_article):
    with django_capture_on_commit_callbacks(execute=True):
        article = make_article(title="Fresh story")
    assert [r.args[0] for r in enqueued()] == [article.pk]
    assert Narration.objects.get(article=article).status == Narration.Status.QUEUED


@override_settings(TASKS=DUMMY_TASKS)
def test_republishing_unchanged_text_does_not_regenerate_audio(
    django_capture_on_commit_callbacks, article
):
    generate(article)
    default_task_backend.clear()
    with django_capture_on_commit_callbacks(execute=True):
        article.save_revision().publish()
    assert enqueued() == []
    assert Narration.objects.get(article=article).status == Narration.Status.READY


@override_settings(TASKS=DUMMY_TASKS)
def test_republishing_changed_text_enqueues_a_new_narration(
    django_capture_on_commit_callbacks, article
):
    generate(article)
    default_task_backend.clear()
    article.title = "Bridge reopens after repairs"
    with django_capture_on_commit_callbacks(execute=True):
        article.save_revision().publish()
    assert len(enqueued()) == 1
    assert Narration.objects.get(article=article).status == Narration.Status.QUEUED


@override_settings(TASKS=DUMMY_TASKS)
def test_opted_out_article_is_not_narrated(django_capture_on_commit_callbacks, make_article):
    with django_capture_on_commit_callbacks(execute=True):
        make_article(title="No audio please", narrate=False)
    assert enqueued() == []
    assert not Narration.objects.exists()


def test_generation_stores_mp3_timings_duration_and_progress(article):
    narration = generate(article)
    narration.refresh_from_db()
    assert narration.status == Narration.Status.READY
    assert narration.progress == 1.0
    assert narration.voice == "fake:tone"
    assert default_storage.size(narration.audio.name) == narration.audio_size > 0
    head = default_storage.open(narration.audio.name).read(2)
    assert head[0] == 0xFF and head[1] & 0xE0 == 0xE0  # an MPEG audio frame header
    timings = narration.timings.open().read().decode()
    assert '"segments"' in timings and '"words"' in timings
    # headline + byline + 2 sentences + heading + quote, with pauses between them
    words = 2 + 3 + 9 + 2 + 3
    assert narration.duration > words * 0.3


def test_a_failing_engine_marks_the_narration_failed_and_keeps_the_previous_audio(article):
    ready = generate(article)
    ready.refresh_from_db()
    old_audio = ready.audio.name
    services.narration_request(article_id=article.pk, force=True, enqueue=False)
    with pytest.raises(RuntimeError):
        services.narration_generate(article_id=article.pk, engine=BrokenEngine())
    failed = Narration.objects.get(article=article)
    assert failed.status == Narration.Status.FAILED
    assert "voice model crashed" in failed.error
    assert failed.audio.name == old_audio
    assert default_storage.exists(old_audio)


def test_a_failure_after_files_were_written_leaves_no_half_written_files(article, monkeypatch):
    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(services, "_publish_audio", crash)
    services.narration_request(article_id=article.pk, force=True, enqueue=False)
    with pytest.raises(OSError):
        services.narration_generate(article_id=article.pk, engine=ToneEngine())
    narration = Narration.objects.get(article=article)
    assert narration.status == Narration.Status.FAILED
    assert not narration.audio
    _, files = default_storage.listdir("narration")
    assert [f for f in files if f.startswith(f"{article.pk}-")] == []


def test_replaced_audio_files_are_deleted(article, django_capture_on_commit_callbacks):
    first = generate(article)
    first.refresh_from_db()
    old = first.audio.name
    article.title = "Bridge reopens, finally"
    article.save_revision().publish()
    with django_capture_on_commit_callbacks(execute=True):
        generate(article)
    assert not default_storage.exists(old)
    assert default_storage.exists(Narration.objects.get(article=article).audio.name)


@override_settings(TASKS=DUMMY_TASKS)
def test_a_failed_task_is_retried_later_with_backoff(
    article, monkeypatch, django_capture_on_commit_callbacks
):
    from masthead.narration import tasks

    monkeypatch.setattr(services, "get_engine", lambda: BrokenEngine())
    services.narration_request(article_id=article.pk, force=True, enqueue=False)
    text_hash = Narration.objects.get(article=article).requested_hash
    with pytest.raises(RuntimeError), django_capture_on_commit_callbacks(execute=True):
        tasks.generate_narration.call(article.pk, text_hash)
    retries = enqueued()
    assert len(retries) == 1
    assert retries[0].task.run_after is not None
    assert Narration.objects.get(article=article).status == Narration.Status.QUEUED


def test_the_player_and_label_appear_only_when_audio_is_ready(client, article):
    html = client.get(article.url).content.decode()
    assert "This audio is created with AI assistance" not in html
    assert "<audio" not in html
    generate(article)
    soup = BeautifulSoup(client.get(article.url).content, "html.parser")
    player = soup.select_one("[data-narration]")
    assert player is not None
    assert player.select_one(".narration-label").get_text() == (
        "This audio is created with AI assistance"
    )
    assert player.audio["src"].endswith(".mp3")
    assert soup.find("script", src=lambda s: s and s.endswith("player.js"))


def test_podcast_feed_parses_and_enclosure_length_is_the_file_size(client, article):
    narration = generate(article)
    narration.refresh_from_db()
    response = client.get("/podcast.xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo
    assert feed.feed.title.endswith("listen to the news")
    (entry,) = feed.entries
    assert entry.title == "Bridge reopens"
    (enclosure,) = entry.enclosures
    assert enclosure.type == "audio/mpeg"
    assert int(enclosure.length) == default_storage.size(narration.audio.name)
    assert entry.itunes_duration.count(":") == 2


def test_the_narrations_listing_filters_by_status_for_editors(client, article, django_user_model):
    from django.contrib.auth.models import Group

    generate(article)
    editor = django_user_model.objects.create_user("ed", password="pw")
    editor.groups.add(Group.objects.get(name="Editor"))
    client.force_login(editor)
    ready = client.get("/admin/narrations/?status=ready").content.decode()
    assert "Bridge reopens" in ready and "Ready (1)" in ready
    failed = client.get("/admin/narrations/?status=failed").content.decode()
    assert "Bridge reopens" not in failed


def test_regenerate_asks_first_then_queues_and_refuses_users_who_cannot_edit(
    client, article, django_user_model
):
    from django.contrib.auth.models import Group

    generate(article)
    url = f"/admin/narrations/{article.pk}/regenerate/"
    reporter = django_user_model.objects.create_user("rep", password="pw")
    client.force_login(reporter)  # no admin access and no edit permission here
    assert client.post(url).status_code in (302, 403)
    assert Narration.objects.get(article=article).status == Narration.Status.READY
    editor = django_user_model.objects.create_user("ed", password="pw")
    editor.groups.add(Group.objects.get(name="Editor"))
    client.force_login(editor)
    assert "Yes, regenerate" in client.get(url).content.decode()
    with override_settings(TASKS=DUMMY_TASKS):
        response = client.post(url)
    assert response.status_code == 302
    assert Narration.objects.get(article=article).status == Narration.Status.QUEUED


@override_settings(TASKS=DUMMY_TASKS)
def test_a_lexicon_change_requeues_only_the_narrations_it_affects(make_article):
    from masthead.narration.tasks import refresh_narrations

    tarn = make_article(title="The Tarn rises", slug="tarn")
    other = make_article(title="Schools reopen", slug="schools")
    generate(tarn)
    generate(other)
    PronunciationEntry.objects.create(phrase="Tarn", spoken="Tahrn")
    assert refresh_narrations.call() == 1
    assert Narration.objects.get(article=tarn).status == Narration.Status.QUEUED
    assert Narration.objects.get(article=other).status == Narration.Status.READY
