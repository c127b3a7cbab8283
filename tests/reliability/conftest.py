"""Var dirs for the tests that run Masthead as real processes."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .test_web_processes import process_env


@pytest.fixture(scope="session")
def migrated_var(tmp_path_factory) -> Path:
    """A var dir with a migrated SQLite database and a home page, made once per run."""
    var = tmp_path_factory.mktemp("var-template")
    env = process_env(var)
    subprocess.run(
        [sys.executable, "-m", "masthead.cli", "manage", "migrate", "--noinput", "-v", "0"],
        env=env,
        check=True,
    )
    return var


@pytest.fixture
def var_dir(migrated_var, tmp_path) -> Path:
    var = tmp_path / "var"
    shutil.copytree(migrated_var, var)
    return var
