"""Background work of the audience app (no arguments: nothing per reader is passed)."""

from django_tasks import task


@task()
def audience_housekeeping() -> dict[str, int]:
    """Flush buffered views to the database and, once a day, prune old rows."""
    from . import services

    return services.housekeeping()


@task()
def flush_views() -> int:
    from . import services

    return services.flush_buffered_views()
