"""The laptop and demo log (settings/dev.py): one short line per finished task that
matters, no line for the routine ones, nothing that reads like an error when none
happened. Production logging (settings/base.py) is unchanged.

django-tasks logs every task twice ("Task id=... path=... state=RUNNING", then
"state=SUCCESSFUL"), and db_worker sets those loggers' levels itself, so levels in
LOGGING cannot quiet them: these filters can.
"""

import logging

# Seconds of housekeeping each publish or upload queues (search and reference index, image
# sizes): hundreds of them after `load_demo`. Failures are still logged.
ROUTINE_TASKS = (
    "modelsearch.tasks.",
    "wagtail.tasks.",
    "wagtail.images.tasks.",
    "wagtail.search.tasks.",
    "masthead.news.tasks.prepare_renditions",
    "masthead.distribution.tasks.prepare_share_renditions",
)
TASK_LINE = "Task id=%s path=%s state=%s"
STOPPING_LINE = "Received %s - shutting down gracefully"


class FinishedTasks(logging.Filter):
    """django-tasks' lines: none when a task starts; one when a task other than a routine
    one finishes ("Finished masthead.narration.tasks.generate_narration"); failures as
    they are, with their traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.msg != TASK_LINE or not isinstance(record.args, tuple):
            return True
        task_id, path, state = (str(arg) for arg in record.args)
        if state == "FAILED" or record.levelno >= logging.WARNING:
            return True
        if state != "SUCCESSFUL" or path.startswith(ROUTINE_TASKS):
            return False
        record.msg, record.args = "Finished %s (task %s)", (path, task_id[:8])
        return True


class CalmShutdown(logging.Filter):
    """db_worker's warning on SIGTERM/SIGINT is the normal way to stop: say so plainly."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str) and record.msg.startswith(STOPPING_LINE):
            record.msg = "Task worker: %s received, stopping after the current task"
            record.levelno, record.levelname = logging.INFO, "INFO"
        return True


def dev_logging(base: dict) -> dict:
    """`base` (settings/base.py's LOGGING) with the filters above and shorter lines."""
    loggers = {name: dict(config) for name, config in base.get("loggers", {}).items()}
    loggers.setdefault("django_tasks", {})["filters"] = ["finished_tasks"]
    loggers.setdefault("django_tasks_db", {})["filters"] = ["calm_shutdown"]
    console = {**base["handlers"]["console"], "formatter": "short"}
    return {
        **base,
        "filters": {"finished_tasks": {"()": FinishedTasks}, "calm_shutdown": {"()": CalmShutdown}},
        "formatters": {"short": {"format": "[%(levelname)s] %(message)s"}},
        "handlers": {**base["handlers"], "console": console},
        "loggers": loggers,
    }
