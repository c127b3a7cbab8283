"""The demo's log (settings/dev.py): one short line per finished task that matters, and
nothing that reads like an error when nothing went wrong."""

import logging

import pytest

from masthead.settings import base
from masthead.settings.dev_logging import CalmShutdown, FinishedTasks, dev_logging

TASK_LINE = "Task id=%s path=%s state=%s"
TASK_ID = "0f2c9a1e-5b7d-4c3a-9e8f-123456789abc"


@pytest.fixture
def task_log(caplog):
    """What django-tasks and db_worker log, through the demo's filters."""
    tasks, worker = logging.getLogger("django_tasks"), logging.getLogger("django_tasks_db")
    finished, calm = FinishedTasks(), CalmShutdown()
    tasks.addFilter(finished)
    worker.addFilter(calm)
    caplog.set_level(logging.INFO)
    yield caplog
    tasks.removeFilter(finished)
    worker.removeFilter(calm)


def log_task(path: str, state: str, level: int = logging.INFO) -> None:
    logging.getLogger("django_tasks").log(level, TASK_LINE, TASK_ID, path, state)


def test_a_finished_narration_is_one_short_line_and_its_start_is_not_logged(task_log):
    log_task("masthead.narration.tasks.generate_narration", "RUNNING")
    log_task("masthead.narration.tasks.generate_narration", "SUCCESSFUL")
    assert task_log.messages == [
        "Finished masthead.narration.tasks.generate_narration (task 0f2c9a1e)"
    ]


def test_routine_tasks_are_not_logged_unless_they_fail(task_log):
    for path in ("modelsearch.tasks.insert_or_update_object_task",
                 "wagtail.tasks.update_reference_index_task",
                 "masthead.news.tasks.prepare_renditions"):  # fmt: skip
        log_task(path, "RUNNING")
        log_task(path, "SUCCESSFUL")
    assert task_log.messages == []
    log_task("masthead.news.tasks.prepare_renditions", "FAILED", logging.ERROR)
    assert task_log.records[-1].levelno == logging.ERROR
    assert "state=FAILED" in task_log.messages[-1]


def test_stopping_the_worker_is_said_plainly_not_as_a_warning(task_log):
    logging.getLogger("django_tasks_db").warning(
        "Received %s - shutting down gracefully... (press Ctrl+C again to force)", "Terminated"
    )
    [record] = task_log.records
    assert record.levelno == logging.INFO
    assert (
        record.getMessage() == "Task worker: Terminated received, stopping after the current task"
    )


def test_the_dev_settings_put_the_filters_on_the_task_loggers_and_keep_the_levels():
    config = dev_logging(base.LOGGING)
    assert config["loggers"]["django_tasks"]["filters"] == ["finished_tasks"]
    assert config["loggers"]["django_tasks_db"]["filters"] == ["calm_shutdown"]
    assert config["loggers"]["masthead"] == base.LOGGING["loggers"]["masthead"]
    assert config["root"] == base.LOGGING["root"]
    assert "filters" not in base.LOGGING["loggers"]["django_tasks_db"]  # production as it was
