"""Media on S3-compatible storage: the production settings choose django-storages' S3
backend from the environment, and images, renditions and narration audio go to a real S3
HTTP server (moto's, on loopback) and come back over plain HTTP, byte ranges included."""

import io
import json
import uuid

import boto3
import pytest
import requests
from django.core.files.storage import default_storage
from moto.server import ThreadedMotoServer
from PIL import Image as PILImage

from masthead.narration import services
from masthead.narration.models import Narration
from tests.narration.fakes import ToneEngine

from .test_production_settings import production_settings

REGION = "us-east-1"
KEYS = {"AWS_ACCESS_KEY_ID": "masthead-test", "AWS_SECRET_ACCESS_KEY": "masthead-test-secret"}


@pytest.fixture(scope="module")
def s3_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint):
    name = f"masthead-media-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name=REGION,
        aws_access_key_id=KEYS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=KEYS["AWS_SECRET_ACCESS_KEY"],
    )
    client.create_bucket(Bucket=name)
    return name


@pytest.fixture
def s3_media(settings, monkeypatch, tmp_path, s3_endpoint, bucket):
    """The default storage exactly as the production settings configure it for S3."""
    production = production_settings(
        monkeypatch,
        tmp_path,
        MASTHEAD_MEDIA_STORAGE="s3",
        AWS_STORAGE_BUCKET_NAME=bucket,
        AWS_S3_ENDPOINT_URL=s3_endpoint,
        AWS_S3_REGION_NAME=REGION,
        # moto checks ACLs on anonymous reads; a real bucket would rather have a policy.
        AWS_DEFAULT_ACL="public-read",
        **KEYS,
    )
    settings.STORAGES = {**settings.STORAGES, "default": production.STORAGES["default"]}
    return f"{s3_endpoint}/{bucket}/"


def test_s3_media_is_chosen_from_the_environment(monkeypatch, tmp_path):
    production = production_settings(
        monkeypatch,
        tmp_path,
        MASTHEAD_MEDIA_STORAGE="s3",
        AWS_STORAGE_BUCKET_NAME="news-media",
        AWS_S3_ENDPOINT_URL="https://s3.example.net",
        AWS_S3_CUSTOM_DOMAIN="media.example.org",
    )
    storage = production.STORAGES["default"]
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storage["OPTIONS"]["bucket_name"] == "news-media"
    assert storage["OPTIONS"]["endpoint_url"] == "https://s3.example.net"
    assert storage["OPTIONS"]["custom_domain"] == "media.example.org"
    assert storage["OPTIONS"]["file_overwrite"] is False
    assert storage["OPTIONS"]["querystring_auth"] is False
    assert production.MASTHEAD_SERVE_MEDIA is False
    local = production_settings(monkeypatch, tmp_path, MASTHEAD_MEDIA_STORAGE="local")
    assert local.STORAGES["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"


def test_an_image_and_its_renditions_are_stored_in_the_bucket_and_served_over_http(s3_media, image):
    assert image.file.url.startswith(s3_media)
    rendition = image.get_rendition("width-640|format-webp")
    assert rendition.url.startswith(s3_media)
    response = requests.get(rendition.url, timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/webp"
    assert response.headers["Cache-Control"] == "public, max-age=86400"
    with PILImage.open(io.BytesIO(response.content)) as picture:
        assert (picture.format, picture.width) == ("WEBP", 640)
    original = requests.get(image.file.url, timeout=10)
    assert original.status_code == 200 and original.content[:2] == b"\xff\xd8"  # a JPEG


def test_two_uploads_with_the_same_name_stay_two_files(s3_media, image):
    from wagtail.images import get_image_model

    from tests.conftest import make_image_file

    other = get_image_model().objects.create(
        title="Same name", file=make_image_file(name="test.jpg", colour=(0, 0, 255))
    )
    assert other.file.name != image.file.name
    assert (
        requests.get(image.file.url, timeout=10).content
        != requests.get(other.file.url, timeout=10).content
    )


def test_the_article_page_links_its_images_in_the_bucket(s3_media, client, make_article):
    article = make_article(title="Bridge reopens")
    html = client.get(article.url).content.decode()
    assert f'src="{s3_media}images/' in html or f'srcset="{s3_media}images/' in html


def test_narration_audio_and_timings_are_written_to_the_bucket_and_seekable(
    s3_media, settings, make_article, django_capture_on_commit_callbacks
):
    settings.MASTHEAD_NARRATION_ENABLED = True
    article = make_article(title="Bridge reopens")
    services.narration_request(article_id=article.pk, force=True, enqueue=False)
    services.narration_generate(article_id=article.pk, engine=ToneEngine())
    narration = Narration.objects.get(article=article)
    assert narration.status == Narration.Status.READY

    audio = requests.get(narration.audio.url, timeout=10)
    assert narration.audio.url.startswith(s3_media)
    assert audio.status_code == 200
    assert audio.headers["Content-Type"] == "audio/mpeg"
    assert len(audio.content) == narration.audio_size > 0
    assert audio.content[0] == 0xFF and audio.content[1] & 0xE0 == 0xE0  # an MPEG frame
    part = requests.get(narration.audio.url, headers={"Range": "bytes=100-199"}, timeout=10)
    assert part.status_code == 206
    assert part.content == audio.content[100:200]
    timings = requests.get(narration.timings.url, timeout=10).json()
    assert timings["duration"] == narration.duration
    assert {"segments", "words"} <= set(timings)

    # Regenerating replaces the files; the old ones are deleted from the bucket.
    old = [narration.audio.name, narration.timings.name]
    services.narration_request(article_id=article.pk, force=True, enqueue=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.narration_generate(article_id=article.pk, engine=ToneEngine())
    narration.refresh_from_db()
    assert narration.audio.name not in old
    assert not any(default_storage.exists(name) for name in old)
    assert requests.get(narration.audio.url, timeout=10).status_code == 200
    json.loads(default_storage.open(narration.timings.name).read())
