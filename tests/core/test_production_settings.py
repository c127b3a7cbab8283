"""Production settings come from the environment and pass Django's deployment checks."""

import importlib
import os
import secrets
import subprocess
import sys

import pytest

REDIS = "redis://127.0.0.1:6379/14"
S3 = {
    "MASTHEAD_MEDIA_STORAGE": "s3",
    "AWS_STORAGE_BUCKET_NAME": "news-media",
    "AWS_S3_ENDPOINT_URL": "https://s3.example.net",
    "AWS_S3_REGION_NAME": "eu-west-1",
}
# Everything the production settings read, unset unless a test sets it.
UNSET = {
    name: ""
    for name in (
        "REDIS_URL",
        "MASTHEAD_TASKS_REDIS_URL",
        "MASTHEAD_TASK_BACKEND",
        "MASTHEAD_MEDIA_STORAGE",
        "AWS_STORAGE_BUCKET_NAME",
        "AWS_S3_ENDPOINT_URL",
        "AWS_S3_REGION_NAME",
        "AWS_S3_CUSTOM_DOMAIN",
    )
}


def run_check(tmp_path, **env) -> subprocess.CompletedProcess:
    environment = {
        **os.environ,
        **UNSET,
        "DJANGO_SETTINGS_MODULE": "masthead.settings.production",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        "MASTHEAD_VAR_DIR": str(tmp_path),
        **env,
    }
    command = [
        sys.executable,
        "-m",
        "masthead.cli",
        "manage",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    ]
    return subprocess.run(command, env=environment, capture_output=True, text=True)


def production_settings(monkeypatch, tmp_path, **env):
    """masthead.settings.production imported afresh (in this process) with `env` set."""
    environment = {
        **UNSET,
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "news.example.org",
        "MASTHEAD_VAR_DIR": str(tmp_path),
        **env,
    }
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    sys.modules.pop("masthead.settings.production", None)
    try:
        return importlib.import_module("masthead.settings.production")
    finally:
        sys.modules.pop("masthead.settings.production", None)


def test_check_deploy_passes_with_settings_from_the_environment(tmp_path):
    result = run_check(
        tmp_path,
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="news.example.org",
        REDIS_URL=REDIS,
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    "env",
    [
        pytest.param({}, id="local-media,database-tasks,no-redis"),
        pytest.param(
            {"MASTHEAD_TASK_BACKEND": "database", "REDIS_URL": REDIS},
            id="local-media,database-tasks,redis",
        ),
        pytest.param(
            {"MASTHEAD_TASK_BACKEND": "rq", "REDIS_URL": REDIS}, id="local-media,rq-tasks,redis"
        ),
        pytest.param(
            {"MASTHEAD_TASK_BACKEND": "rq", "MASTHEAD_TASKS_REDIS_URL": REDIS},
            id="local-media,rq-tasks,own-redis-for-tasks",
        ),
        pytest.param(S3, id="s3-media,database-tasks,no-redis"),
        pytest.param({**S3, "REDIS_URL": REDIS}, id="s3-media,database-tasks,redis"),
        pytest.param(
            {
                **S3,
                "MASTHEAD_TASK_BACKEND": "rq",
                "REDIS_URL": REDIS,
                "AWS_S3_CUSTOM_DOMAIN": "media.example.org",
            },
            id="s3-media,rq-tasks,redis",
        ),
    ],
)
def test_check_deploy_passes_for_every_combination(tmp_path, env):
    result = run_check(
        tmp_path, SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="news.example.org", **env
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SECRET_KEY": ""}, "Set SECRET_KEY in the environment for production."),
        (
            {"MASTHEAD_TASK_BACKEND": "rq"},
            "MASTHEAD_TASK_BACKEND=rq needs REDIS_URL (or MASTHEAD_TASKS_REDIS_URL)",
        ),
        (
            {"MASTHEAD_MEDIA_STORAGE": "s3"},
            "MASTHEAD_MEDIA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME",
        ),
        (
            {"MASTHEAD_MEDIA_STORAGE": "ftp"},
            "MASTHEAD_MEDIA_STORAGE='ftp' is not one of local, s3 (default: local).",
        ),
        (
            {"MASTHEAD_TASK_BACKEND": "celery", "REDIS_URL": REDIS},
            "MASTHEAD_TASK_BACKEND='celery' is not one of database, rq (default: database).",
        ),
    ],
)
def test_a_misconfiguration_stops_the_start_with_a_clear_message(tmp_path, env, message):
    result = run_check(
        tmp_path,
        **{"SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "news.example.org", **env},
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = run_check(tmp_path, SECRET_KEY="", ALLOWED_HOSTS="news.example.org")
    assert result.returncode != 0
    assert "Set SECRET_KEY in the environment for production." in result.stderr


def test_the_defaults_are_local_media_and_the_database_queue(monkeypatch, tmp_path):
    production = production_settings(monkeypatch, tmp_path)
    assert production.STORAGES["default"]["BACKEND"].endswith("FileSystemStorage")
    assert production.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"
    assert production.CACHES["default"]["BACKEND"].endswith("FileBasedCache")
    assert "django_rq" not in production.INSTALLED_APPS


def test_redis_carries_the_cache_and_the_rq_task_queue(monkeypatch, tmp_path):
    production = production_settings(
        monkeypatch, tmp_path, REDIS_URL=REDIS, MASTHEAD_TASK_BACKEND="RQ"
    )
    assert production.CACHES["default"]["BACKEND"] == "django_redis.cache.RedisCache"
    assert production.CACHES["default"]["LOCATION"] == REDIS
    assert production.TASKS["default"]["BACKEND"] == "django_tasks_rq.RQBackend"
    assert production.RQ_QUEUES["default"]["URL"] == REDIS
    assert {"django_rq", "django_tasks_rq"} <= set(production.INSTALLED_APPS)


def test_the_task_queue_can_have_a_redis_of_its_own(monkeypatch, tmp_path):
    own = "redis://queue.internal:6379/0"
    production = production_settings(
        monkeypatch,
        tmp_path,
        REDIS_URL=REDIS,
        MASTHEAD_TASK_BACKEND="rq",
        MASTHEAD_TASKS_REDIS_URL=own,
    )
    assert production.RQ_QUEUES["default"]["URL"] == own
    assert production.CACHES["default"]["LOCATION"] == REDIS
