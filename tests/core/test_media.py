"""Uploaded media is served with byte ranges, so audio can be seeked."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

DATA = bytes(range(256)) * 4


@pytest.fixture
def media_file(make_article):
    # A narration's audio, of a published article anyone may read (narration files of
    # restricted articles are guarded: tests/security/test_leak_matrix.py).
    from masthead.narration.models import Narration

    article = make_article()
    name = default_storage.save(f"narration/{article.pk}-sample.mp3", ContentFile(DATA))
    Narration.objects.update_or_create(article=article, defaults={"audio": name})
    return name


def test_a_whole_file_is_served_with_accept_ranges(client, media_file):
    response = client.get(f"/media/{media_file}")
    assert response.status_code == 200
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Type"] == "audio/mpeg"
    assert b"".join(response.streaming_content) == DATA


@pytest.mark.parametrize(
    ("header", "start", "end"),
    [("bytes=100-199", 100, 199), ("bytes=1000-", 1000, 1023), ("bytes=-24", 1000, 1023)],
)
def test_a_byte_range_is_served_as_partial_content(client, media_file, header, start, end):
    response = client.get(f"/media/{media_file}", HTTP_RANGE=header)
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes {start}-{end}/{len(DATA)}"
    assert b"".join(response.streaming_content) == DATA[start : end + 1]


def test_an_unsatisfiable_range_is_refused(client, media_file):
    response = client.get(f"/media/{media_file}", HTTP_RANGE="bytes=5000-6000")
    assert response.status_code == 416


def test_paths_outside_the_media_folder_are_not_served(client, media_file):
    assert client.get("/media/../settings.py").status_code in (400, 404)
    assert client.get("/media/narration/missing.mp3").status_code == 404


def test_a_narration_file_no_narration_refers_to_is_not_served(client, db):
    name = default_storage.save("narration/orphan.mp3", ContentFile(DATA))
    assert client.get(f"/media/{name}").status_code == 404


def test_documents_are_not_served_from_media(client, db):
    name = default_storage.save("documents/report.pdf", ContentFile(b"%PDF-1.4"))
    assert client.get(f"/media/{name}").status_code == 404
    assert client.get(f"/media/./{name}").status_code == 404
    assert client.get(f"/media/images/../{name}").status_code in (400, 404)
