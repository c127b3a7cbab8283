"""Documentation that can drift is tested: every setting and command is documented."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "masthead"
DOCS = "\n".join(p.read_text() for p in sorted((ROOT / "docs").glob("*.md")))
SETTING_RE = re.compile(r"MASTHEAD_[A-Z0-9_]*[A-Z0-9](?![A-Z0-9_{])")


def code_settings() -> set[str]:
    names = set()
    for path in SRC.rglob("*.py"):
        names |= set(SETTING_RE.findall(path.read_text()))
    return names


def management_commands() -> set[str]:
    return {p.stem for p in SRC.glob("*/management/commands/*.py") if not p.stem.startswith("_")}


@pytest.mark.parametrize("name", sorted(code_settings()))
def test_every_setting_in_the_code_is_documented(name):
    assert f"`{name}`" in DOCS, f"{name} is used in the code but not documented in docs/"


@pytest.mark.parametrize("name", sorted(management_commands()))
def test_every_management_command_is_documented(name):
    commands = (ROOT / "docs" / "commands.md").read_text()
    assert f"`{name}`" in commands, f"`{name}` is missing from docs/commands.md"


def test_the_readme_starts_with_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    quick_start = readme[readme.index("## Quick start") :]
    first, second = re.findall(r"^make (\w+)", quick_start, re.M)[:2]
    assert (first, second) == ("demo", "test")
