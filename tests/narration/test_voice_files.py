"""The real Piper voice's files: a broken one is named, a corrupt cached copy rebuilt."""

import logging

import pytest

from masthead.narration import services
from masthead.narration.engines.piper import (
    PiperEngine,
    VoiceError,
    aligned_model_target,
    default_voice_paths,
)
from masthead.narration.models import Narration


def test_a_corrupt_cached_voice_model_is_patched_again_and_speaks(settings, tmp_path, caplog):
    settings.MASTHEAD_NARRATION_CACHE_DIR = tmp_path / "voices"
    model, _ = default_voice_paths()
    cached = aligned_model_target(model)
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"half a model: the disk filled up")
    engine = PiperEngine()
    chunk = engine.speak("The ferry leaves at seven.")
    assert [w.word for w in chunk.words] == ["The", "ferry", "leaves", "at", "seven."]
    assert chunk.duration > 0.5
    assert cached.stat().st_size > 1_000_000  # the patched model again
    assert any(
        str(cached) in r.getMessage() and r.levelno == logging.WARNING for r in caplog.records
    )


def test_a_corrupt_voice_config_fails_the_narration_with_a_message_naming_the_file(
    settings, tmp_path, make_article
):
    model, _ = default_voice_paths()
    config = tmp_path / "joe.onnx.json"
    config.write_text('{"audio": {"sample_rate": 22050', encoding="utf-8")  # cut short
    settings.MASTHEAD_NARRATION_ENGINE_OPTIONS = {"model": str(model), "config": str(config)}
    article = make_article(title="Bridge reopens")
    services.narration_request(article_id=article.pk, force=True, enqueue=False)
    with pytest.raises(VoiceError):
        services.narration_generate(article_id=article.pk)
    narration = Narration.objects.get(article=article)
    assert narration.status == Narration.Status.FAILED
    assert f"The voice config {config} is not a Piper voice config" in narration.error


def test_a_voice_model_that_cannot_be_patched_is_named_in_the_error(settings, tmp_path):
    settings.MASTHEAD_NARRATION_CACHE_DIR = tmp_path / "voices"
    _, config = default_voice_paths()
    model = tmp_path / "downloaded.onnx"
    model.write_bytes(b"<html>404 Not Found</html>")
    with pytest.raises(VoiceError, match=f"Could not patch the voice model {model}"):
        PiperEngine(model=str(model), config=str(config))
    assert list((tmp_path / "voices").iterdir()) == []  # no half-written copy left
