"""Fixtures of the importer tests: the project's own WXR files and a media folder."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.conftest import make_image_file

FIXTURES = Path(__file__).parent / "fixtures"
NEWSROOM = FIXTURES / "newsroom-wxr-1.2.xml"
SMALL = FIXTURES / "small-wxr-1.1.xml"


@pytest.fixture
def media_dir(tmp_path) -> Path:
    """An unpacked wp-content/uploads with the tram picture of the newsroom export."""
    folder = tmp_path / "uploads" / "2020" / "01"
    folder.mkdir(parents=True)
    (folder / "tram.jpg").write_bytes(make_image_file("tram.jpg", size=(800, 450)).file.getvalue())
    return tmp_path / "uploads"


@pytest.fixture
def import_wordpress(section):
    """Runs the command as a newsroom would; returns its output."""

    def run(path, *args) -> str:
        out = io.StringIO()
        call_command("import_wordpress", str(path), *args, stdout=out, stderr=io.StringIO())
        return out.getvalue()

    return run
