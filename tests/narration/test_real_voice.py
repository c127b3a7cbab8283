"""The real Piper voice on short text: what a listener would hear."""

import json

import miniaudio
import numpy as np
import pytest
from django.core.files.storage import default_storage

from masthead.narration import services
from masthead.narration.engines import get_engine
from masthead.narration.models import Narration


@pytest.fixture(scope="module")
def engine():
    return get_engine()


def test_the_voice_speaks_a_sentence_with_word_timings(engine):
    chunk = engine.speak("The harbour ferry leaves at seven thirty on Monday mornings.")
    assert engine.voice_id.startswith("piper:")
    assert chunk.sample_rate == 22050
    words = [w.word for w in chunk.words]
    assert words == "The harbour ferry leaves at seven thirty on Monday mornings.".split()
    starts = [w.start for w in chunk.words]
    assert starts == sorted(starts)
    assert all(w.end >= w.start for w in chunk.words)
    assert chunk.words[-1].end == pytest.approx(chunk.duration, rel=0.1)


def test_a_real_narration_decodes_is_audible_and_matches_its_word_timings(make_article):
    body = [{"type": "paragraph", "value": "<p>The Tarn bridge reopened on Oct. 14. "
             "Repairs cost $4.2 million, the council said.</p>"}]  # fmt: skip
    article = make_article(title="Bridge reopens", body=body)
    services.narration_request(article_id=article.pk, force=True, enqueue=False)
    services.narration_generate(article_id=article.pk)
    narration = Narration.objects.get(article=article)
    assert narration.status == Narration.Status.READY
    assert narration.voice.startswith("piper:")

    mp3 = default_storage.open(narration.audio.name).read()
    decoded = miniaudio.decode(mp3, output_format=miniaudio.SampleFormat.SIGNED16, nchannels=1)
    samples = np.frombuffer(decoded.samples, dtype=np.int16).astype(np.float64)
    duration = len(samples) / decoded.sample_rate
    timings = json.loads(default_storage.open(narration.timings.name).read())
    last_word_end = timings["words"][-1][2]
    assert duration == pytest.approx(last_word_end, rel=0.1)
    assert duration == pytest.approx(narration.duration, rel=0.05)
    rms_dbfs = 20 * np.log10(np.sqrt(np.mean(samples**2)) / 32768)
    assert rms_dbfs > -35, f"too quiet: {rms_dbfs:.1f} dBFS"
    spoken = " ".join(w[0] for w in timings["words"])
    assert "four point two million dollars" in spoken
    assert "October fourteenth" in spoken
    assert [s["target"] for s in timings["segments"]] == [
        "headline",
        "byline",
        "block-0",
        "block-0",
    ]


def test_the_narrate_command_narrates_missing_articles(make_article, capsys):
    from django.core.management import call_command

    article = make_article(title="Short one", body=[{"type": "paragraph", "value": "<p>Hi.</p>"}])
    call_command("narrate", "--missing")
    assert Narration.objects.get(article=article).status == Narration.Status.READY
    out = capsys.readouterr().out
    assert "1/1" in out and "Done: 1 narrated, 0 failed." in out


def test_the_narrate_command_refuses_unknown_ids(db):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="Not published"):
        call_command("narrate", "999999")
