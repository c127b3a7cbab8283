"""Production settings come from the environment and pass Django's deployment checks."""

import os
import secrets
import subprocess
import sys


def run_check(tmp_path, **env) -> subprocess.CompletedProcess:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "masthead.settings.production",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        "MASTHEAD_VAR_DIR": str(tmp_path),
        **env,
    }
    command = [sys.executable, "-m", "masthead.cli", "manage", "check", "--deploy",
               "--fail-level", "WARNING"]  # fmt: skip
    return subprocess.run(command, env=environment, capture_output=True, text=True)


def test_check_deploy_passes_with_settings_from_the_environment(tmp_path):
    result = run_check(
        tmp_path,
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="news.example.org",
        REDIS_URL="redis://127.0.0.1:6379/14",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = run_check(tmp_path, SECRET_KEY="", ALLOWED_HOSTS="news.example.org")
    assert result.returncode != 0
    assert "Set SECRET_KEY in the environment for production." in result.stderr
