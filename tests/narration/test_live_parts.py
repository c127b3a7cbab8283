"""Live parts: readers hear the first sentences while the rest is being made."""

import json
from datetime import timedelta

import miniaudio
import numpy as np
import pytest
from django.core.files.storage import default_storage
from django.utils import timezone
from wagtail.models import PageViewRestriction

from masthead.core.lanes import ARCHIVE_PRIORITY, WorkerStopping
from masthead.narration import services
from masthead.narration.engines import get_engine
from masthead.narration.models import Narration
from masthead.narration.repair import narration_reconcile
from masthead.narration.script import build_script

from .fakes import InterruptedEngine

BODY = [
    "The ferry left the harbour at dawn. It was late.",
    "Passengers waited on the pier for an hour. Some went home.",
    "The harbour master said the engine had failed overnight.",
]


def article_with_body(make_article, **fields):
    body = [{"type": "paragraph", "value": f"<p>{text}</p>"} for text in BODY]
    return make_article(title="Ferry runs late", body=body, **fields)


class Watching:
    """The real voice; before speaking chunk `at` it calls `look()` (what a reader sees
    while the narration is still being made)."""

    def __init__(self, engine, at: int, look) -> None:
        self.engine, self.at, self.look, self.count = engine, at, look, 0
        self.voice_id, self.sample_rate = engine.voice_id, engine.sample_rate

    def speak(self, text: str):
        self.count += 1
        if self.count == self.at:
            self.look()
        return self.engine.speak(text)


def get_bytes(client, url: str):
    response = client.get(url)
    body = b"".join(response.streaming_content) if response.status_code == 200 else b""
    return response, body


def loudness_and_length(mp3: bytes) -> tuple[float, float]:
    decoded = miniaudio.decode(mp3, output_format=miniaudio.SampleFormat.SIGNED16, nchannels=1)
    samples = np.frombuffer(decoded.samples, dtype=np.int16).astype(np.float64)
    rms = np.sqrt(np.mean(samples**2)) if samples.size else 0.0
    return 20 * np.log10(max(rms, 1e-9) / 32768), len(samples) / decoded.sample_rate


def test_the_first_sentences_play_while_the_rest_is_being_made(make_article, client):
    article = article_with_body(make_article)
    seen = {}

    def look() -> None:
        page = client.get(article.url).content.decode()
        manifest_url = Narration.objects.get(article=article).manifest.url
        response, body = get_bytes(client, manifest_url)
        seen.update(page=page, manifest_url=manifest_url, manifest=json.loads(body),
                    cache=response["Cache-Control"], parts=[])  # fmt: skip
        for part in seen["manifest"]["parts"]:
            part_response, mp3 = get_bytes(client, part["src"])
            assert part_response.status_code == 200
            seen["parts"].append(mp3)

    services.narration_request(article_id=article.pk, force=True, enqueue=False)
    # Before the last sentence: the headline, byline and first paragraph are spoken.
    services.narration_generate(article_id=article.pk, engine=Watching(get_engine(), 7, look))

    manifest, parts = seen["manifest"], seen["parts"]
    assert not manifest["complete"] and len(parts) >= 2
    assert f'data-manifest="{seen["manifest_url"]}"' in seen["page"]
    assert "being prepared" in seen["page"]
    assert "no-store" in seen["cache"]  # it grows: never from a cache
    for mp3, part in zip(parts, manifest["parts"], strict=True):
        dbfs, seconds = loudness_and_length(mp3)
        assert seconds == pytest.approx(part["end"] - part["start"], abs=0.03)
        assert dbfs > -40, f"part too quiet: {dbfs:.1f} dBFS"
    # The timings cover the words of every sentence in the parts, inside the parts.
    spoken = [w[0] for w in manifest["words"]]
    assert spoken == " ".join(s["text"] for s in manifest["segments"]).split()
    assert spoken[:3] == ["Ferry", "runs", "late"]
    assert all(0 <= start <= end <= manifest["duration"] for _, start, end in manifest["words"])
    assert [p["start"] for p in manifest["parts"][1:]] == [p["end"] for p in manifest["parts"][:-1]]

    # Complete: the parts are the beginning of the final file, byte for byte, and the
    # manifest sends players to it; the parts themselves are gone.
    narration = Narration.objects.get(article=article)
    assert narration.status == Narration.Status.READY
    final = default_storage.open(narration.audio.name).read()
    assert final.startswith(b"".join(parts)) and len(final) > len(b"".join(parts))
    done = json.loads(get_bytes(client, seen["manifest_url"])[1])
    assert done["complete"] and done["audio"] == narration.audio.url
    assert done["timings"] == narration.timings.url
    assert client.get(manifest["parts"][0]["src"]).status_code == 404
    dbfs, seconds = loudness_and_length(final)
    assert seconds == pytest.approx(narration.duration, abs=0.2)
    assert f'src="{narration.audio.url}"' in client.get(article.url).content.decode()


def live_files(article) -> list[str]:
    _, files = default_storage.listdir("narration")
    return sorted(f for f in files if f.startswith(f"{article.pk}-") and "-live" in f)


def test_a_restricted_articles_live_parts_are_refused_to_readers_who_did_not_pass(
    make_article, client
):
    article = article_with_body(make_article)
    PageViewRestriction.objects.create(page=article, restriction_type="password", password="pw")
    seen = {}

    def look() -> None:
        narration = Narration.objects.get(article=article)
        first = narration.first_part_url
        seen["anonymous"] = [client.get(u).status_code for u in (narration.manifest.url, first)]
        restriction = article.get_view_restrictions().first()
        client.post(f"/_util/authenticate_with_password/{restriction.pk}/{article.pk}/",
                    {"password": "pw", "return_url": article.url})  # fmt: skip
        passed = client.get(first)
        seen["passed"] = (passed.status_code, passed["Cache-Control"])

    services.narration_request(article_id=article.pk, force=True, enqueue=False)
    services.narration_generate(article_id=article.pk, engine=InterruptedEngine(6, look))
    assert seen["anonymous"] == [404, 404]
    assert seen["passed"][0] == 200 and "private" in seen["passed"][1]


def test_a_run_handed_back_withdraws_its_parts_and_the_page_its_player(make_article, client):
    article = article_with_body(make_article)
    seen = {}

    def stop() -> None:
        seen["manifest"] = Narration.objects.get(article=article).manifest.url
        seen["files"] = live_files(article)
        raise WorkerStopping

    services.narration_request(article_id=article.pk, force=True, enqueue=False)
    with pytest.raises(WorkerStopping):
        services.narration_generate(article_id=article.pk, engine=InterruptedEngine(6, stop))
    assert len(seen["files"]) >= 2  # a manifest and its parts existed
    assert live_files(article) == []
    narration = Narration.objects.get(article=article)
    assert (narration.status, narration.manifest.name) == (Narration.Status.QUEUED, "")
    assert client.get(seen["manifest"]).status_code == 404
    assert "data-narration" not in client.get(article.url).content.decode()


def test_a_dead_workers_manifest_is_not_followed_once_its_lease_ran_out(
    make_article, client, django_capture_on_commit_callbacks
):
    article = article_with_body(make_article)
    seen = {}

    def die() -> None:
        narration = Narration.objects.get(article=article)
        seen["manifest"] = narration.manifest.url
        seen["while alive"] = client.get(seen["manifest"]).status_code
        stale = timezone.now() - timedelta(seconds=services.lease_seconds() + 1)
        Narration.objects.filter(pk=narration.pk).update(lease_renewed_at=stale)
        seen["after its lease"] = client.get(seen["manifest"]).status_code
        seen["page"] = client.get(article.url).content.decode()
        raise SystemExit  # the process dies: nothing is cleaned up by this run

    services.narration_request(article_id=article.pk, force=True, enqueue=False)
    with pytest.raises(SystemExit):
        services.narration_generate(article_id=article.pk, engine=InterruptedEngine(6, die))
    assert (seen["while alive"], seen["after its lease"]) == (200, 404)

    # The repair withdraws the dead run's parts and queues the narration again; the next
    # run (the immediate task backend runs it at once) makes it, and leaves no parts.
    with django_capture_on_commit_callbacks(execute=True):
        assert narration_reconcile() == 1
    narration = Narration.objects.get(article=article)
    assert narration.status == Narration.Status.READY
    assert live_files(article) == [narration.manifest.name.removeprefix("narration/")]


def test_an_archive_run_hands_its_narration_back_for_a_fresh_one_waiting_behind_it(
    make_article, settings
):
    settings.MASTHEAD_NARRATION_YIELD_AFTER = 0
    old, new = article_with_body(make_article), make_article(title="Just published")
    services.narration_request(article_id=old.pk, enqueue=False, priority=ARCHIVE_PRIORITY)
    services.narration_request(article_id=new.pk, enqueue=False, force=True)  # fresh
    Narration.objects.filter(article=new).update(status=Narration.Status.READY)  # not yet

    def a_fresh_one_is_published() -> None:
        Narration.objects.filter(article=new).update(status=Narration.Status.QUEUED)

    engine = InterruptedEngine(3, a_fresh_one_is_published)
    assert services.narration_generate(article_id=old.pk, engine=engine, yields=True) is None
    assert len(engine.spoken) < build_script(old).chunk_count  # it stopped early
    handed_back = Narration.objects.get(article=old)
    assert (handed_back.status, handed_back.attempts) == (Narration.Status.QUEUED, 0)
    assert handed_back.priority == ARCHIVE_PRIORITY and live_files(old) == []
    # A fresh run does not yield to anything; nor does `narrate` (no `yields`).
    assert services.narration_generate(article_id=new.pk, engine=InterruptedEngine()).status == (
        Narration.Status.READY
    )


def test_the_page_is_made_fresh_when_the_first_part_appears_and_when_parts_are_withdrawn(
    make_article, django_capture_on_commit_callbacks
):
    from masthead.narration.signals import narration_parts_changed

    article = article_with_body(make_article)
    sent, seen = [], {}

    def receiver(sender, narration, **kwargs) -> None:
        sent.append(narration.article_id)

    def stop() -> None:
        seen["sent while speaking"] = list(sent)
        raise WorkerStopping

    narration_parts_changed.connect(receiver)
    try:
        services.narration_request(article_id=article.pk, force=True, enqueue=False)
        with django_capture_on_commit_callbacks(execute=True), pytest.raises(WorkerStopping):
            services.narration_generate(article_id=article.pk, engine=InterruptedEngine(6, stop))
    finally:
        narration_parts_changed.disconnect(receiver)
    assert seen["sent while speaking"] == [article.pk]  # the first part: show the player
    assert sent == [article.pk, article.pk]  # handed back: the player goes again
