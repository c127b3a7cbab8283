"""Image uploads: bombs, damaged and disguised files are form errors, in bounded memory."""

import io
import resource
import struct
import zlib

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage
from wagtail.images import get_image_model
from wagtail.images.models import Rendition
from wagtail.models import UploadedFile

from masthead.core.roles import ensure_newsroom_roles
from masthead.news import images as news_images
from masthead.news.tasks import prepare_renditions

Image = get_image_model()
MB = 1024 * 1024


@pytest.fixture
def reporter(db, django_user_model, home):
    """The least trusted role that may upload images."""
    ensure_newsroom_roles()
    user = django_user_model.objects.create_user("rory", "rory@example.org", "pw")
    user.groups.add(Group.objects.get(name="Reporter"))
    return user


def png_bytes(width: int, height: int, *, rows: int | None = None, colour_type: int = 2) -> bytes:
    """A PNG of width × height, written row by row (the test never holds the pixels).
    `rows` cuts the pixel data short after that many rows (a header that lies)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    channels = {0: 1, 2: 3, 6: 4}[colour_type]
    compressor = zlib.compressobj(6)
    row = b"\x00" * (1 + width * channels)
    data = [compressor.compress(row) for _ in range(height if rows is None else rows)]
    data.append(compressor.flush())
    header = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)
    signature = b"\x89PNG\r\n\x1a\n"
    return signature + chunk(b"IHDR", header) + chunk(b"IDAT", b"".join(data)) + chunk(b"IEND", b"")


def encoded(fmt: str, size=(640, 480), **kwargs) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", size, (200, 60, 30)).save(buffer, fmt, **kwargs)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def bomb() -> bytes:
    # 11,300 × 11,300 RGB: 372 KB on disk, 383 MB once decoded; under Wagtail's own
    # 128-megapixel limit, so Wagtail alone accepted it.
    return png_bytes(11_300, 11_300)


def _jpeg() -> bytes:
    return encoded("JPEG", quality=90)


def _gif() -> bytes:
    return encoded("GIF")


# Made when a test needs them, not when tests are collected.
BAD_FILES = {
    # Pillow refuses this one on opening (over twice its limit): a 500 before.
    "30000 px PNG": lambda: ("huge.png", png_bytes(30_000, 30_000, rows=4, colour_type=0)),
    "truncated JPEG": lambda: ("cut.jpg", _jpeg()[: len(_jpeg()) // 2]),
    "truncated PNG": lambda: ("cut.png", encoded("PNG")[:-200]),
    "malformed GIF": lambda: ("bad.gif", _gif()[:13] + b"\x2c" + b"\xff" * 9 + b"\x00" * 40),
    "GIF header only": lambda: ("header.gif", _gif()[:13]),
    "JPEG named .png": lambda: ("wrong.png", _jpeg()),
    "text named .jpg": lambda: ("notes.jpg", b"Meeting notes, not a picture\n" * 20),
    "animated GIF bomb": lambda: ("frames.gif", animated_gif(frames=60, size=(1000, 1000))),
}


def animated_gif(*, frames: int, size) -> bytes:
    # 60 frames of a megapixel: small on disk, 60 megapixels to decode.
    buffer = io.BytesIO()
    first, *rest = [PILImage.new("P", size, i % 2) for i in range(frames)]
    first.save(buffer, "GIF", save_all=True, append_images=rest)
    return buffer.getvalue()


def upload(client, filename: str, content: bytes):
    return client.post(
        "/admin/images/add/",
        {"title": filename, "file": SimpleUploadedFile(filename, content), "collection": 1},
    )


def multiple_upload(client, filename: str, content: bytes):
    return client.post(
        "/admin/images/multiple/add/",
        {"files[]": SimpleUploadedFile(filename, content), "collection": 1},
    )


def chooser_upload(client, filename: str, content: bytes):
    prefix = "image-chooser-upload"
    return client.post(
        "/admin/images/chooser/create/",
        {
            f"{prefix}-title": filename,
            f"{prefix}-file": SimpleUploadedFile(filename, content),
            f"{prefix}-collection": 1,
        },
    )


def peak_memory() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kilobytes on Linux


def test_a_reporter_can_upload_an_ordinary_image_everywhere(client, reporter):
    client.force_login(reporter)
    assert upload(client, "one.jpg", encoded("JPEG")).status_code == 302
    assert multiple_upload(client, "two.png", encoded("PNG")).json()["success"] is True
    assert chooser_upload(client, "three.gif", encoded("GIF")).json()["step"] == "chosen"
    assert Image.objects.count() == 3


def test_an_image_bomb_is_refused_with_a_clear_message_in_bounded_memory(client, reporter, bomb):
    client.force_login(reporter)
    before = peak_memory()
    response = upload(client, "bomb.png", bomb)
    multiple = multiple_upload(client, "bomb.png", bomb).json()
    chooser = chooser_upload(client, "bomb.png", bomb).json()
    grew = peak_memory() - before

    assert response.status_code == 200
    message = "11,300 × 11,300 pixels (127.7 megapixels); the largest accepted is 40 megapixels"
    assert message in response.content.decode()
    assert multiple["success"] is False
    assert message in multiple["error_message"]
    assert chooser["step"] == "reshow_creation_form"
    assert message in chooser["htmlFragment"]
    assert not Image.objects.exists()
    assert not UploadedFile.objects.exists()
    # Decoding it once would take 383 MB.
    assert grew < 150 * MB


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_a_bad_image_file_is_a_form_error_on_every_upload_form(client, reporter, case):
    filename, content = BAD_FILES[case]()
    client.force_login(reporter)

    response = upload(client, filename, content)
    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert errors

    multiple = multiple_upload(client, filename, content).json()
    assert multiple["success"] is False
    assert multiple["error_message"]

    chooser = chooser_upload(client, filename, content).json()
    assert chooser["step"] == "reshow_creation_form"
    assert not Image.objects.exists()
    assert not UploadedFile.objects.exists()


def test_the_limit_is_a_setting(client, reporter, settings):
    settings.MASTHEAD_MAX_IMAGE_PIXELS = 200_000  # under the 640 × 480 of the upload
    client.force_login(reporter)
    response = upload(client, "ordinary.jpg", encoded("JPEG"))
    assert "the largest accepted is 0.2 megapixels" in response.content.decode()
    assert not Image.objects.exists()


def test_renditions_of_an_image_stored_before_the_limit_are_not_attempted(db):
    # As an import or an older version would have stored it, without the form. (Over
    # twice the limit, Pillow refuses even to read its size, and the import fails.)
    big = png_bytes(7_000, 7_000, colour_type=0)
    image = Image.objects.create(title="Old", file=SimpleUploadedFile("old.png", big))
    assert (image.width, image.height) == (7_000, 7_000)
    before = peak_memory()
    assert prepare_renditions.call(image.pk) == 0
    assert peak_memory() - before < 150 * MB
    assert not Rendition.objects.filter(image=image).exists()


def test_an_article_whose_hero_is_over_the_limit_still_answers_without_resizing_it(
    client, make_article
):
    big = png_bytes(7_000, 7_000, colour_type=0)
    image = Image.objects.create(title="Old", file=SimpleUploadedFile("old.png", big))
    article = make_article(title="Stored before the limit", hero_image=image)
    response = client.get(article.url)
    assert response.status_code == 200
    assert "Stored before the limit" in response.content.decode()
    # No public size of it was made for the page body (the social-card sizes of
    # distribution/images.py are that module's own).
    made = set(Rendition.objects.filter(image=image).values_list("filter_spec", flat=True))
    assert not made & {f.spec for f in news_images.filters_for("hero")}


def test_renditions_of_an_ordinary_image_are_all_made(db):
    image = Image.objects.create(title="Photo", file=SimpleUploadedFile("p.jpg", encoded("JPEG")))
    assert prepare_renditions.call(image.pk) > 0
    specs = {f.spec for kind in news_images.RENDITION_SPECS for f in news_images.filters_for(kind)}
    made = set(Rendition.objects.filter(image=image).values_list("filter_spec", flat=True))
    assert made == specs
