"""Per-object background work that finds its object gone does nothing, and says so.

Wagtail queues two tasks on every save of an indexed object (an image, a page, an
author): the search index update (modelsearch's `insert_or_update_object_task`) and the
reference index update (`wagtail.tasks.update_reference_index_task`). Both look the
object up with `objects.get(pk=...)` and fail when it was deleted before a worker got to
them. That is routine: "Use existing and delete new" in the image uploader's duplicate
prompt deletes the new image seconds after its upload queued its tasks, and an abandoned
autosaved draft is deleted the same way; each left failed tasks in the queue.

Masthead replaces those two save handlers, for exactly the models they were connected
for, by handlers that queue the same work through the tasks below: they look the object
up first and return "nothing to do" when it is gone. Deletion still removes the object
from both indexes at once (Wagtail's delete handlers are kept).

This module is its own small app, listed after Wagtail in INSTALLED_APPS, so that its
`ready()` runs after Wagtail's and its post_migrate handler after the one by which
Wagtail connects its handlers again.
"""

from django.apps import AppConfig, apps
from django.db import transaction
from django.db.models.signals import post_migrate, post_save
from django_tasks import task

GONE = "nothing to do: the object was deleted"


@task()
def update_search_index(app_label: str, model_name: str, pk: str) -> str:
    """modelsearch's index update, for an object that may have been deleted since."""
    from modelsearch import index

    instance = apps.get_model(app_label, model_name).objects.filter(pk=pk).first()
    if instance is None:
        return GONE
    index.insert_or_update_object(instance)
    return "indexed"


@task()
def update_reference_index(app_label: str, model_name: str, pk: str) -> str:
    """Wagtail's reference index update (wagtail.tasks.update_reference_index_task), for
    an object that may have been deleted since."""
    from modelcluster.fields import ParentalKey
    from wagtail.models import ReferenceIndex

    instance = apps.get_model(app_label, model_name).objects.filter(pk=pk).first()
    # A child row (a byline entry) is indexed as part of its parent, as Wagtail does.
    while instance is not None:
        parental = [f for f in instance._meta.get_fields() if isinstance(f, ParentalKey)]
        if not parental:
            break
        instance = getattr(instance, parental[0].name)
    if instance is None:
        return GONE
    if ReferenceIndex.is_indexed(instance._meta.model):
        with transaction.atomic():
            ReferenceIndex.create_or_update_for_object(instance)
    return "indexed"


def _arguments(instance) -> tuple[str, str, str]:
    return instance._meta.app_label, instance._meta.model_name, str(instance.pk)


def queue_search_index_update(instance, raw: bool = False, **kwargs) -> None:
    if not raw:
        update_search_index.enqueue(*_arguments(instance))


def queue_reference_index_update(instance, raw: bool = False, **kwargs) -> None:
    from wagtail.signal_handlers import reference_index_auto_update_disabled

    if raw or getattr(reference_index_auto_update_disabled, "value", False):
        return
    update_reference_index.enqueue(*_arguments(instance))


def _replacements() -> list[tuple]:
    from modelsearch import index
    from modelsearch.signal_handlers import post_save_signal_handler
    from wagtail.models import ReferenceIndex
    from wagtail.signal_handlers import update_reference_index_on_save

    return [
        (post_save_signal_handler, queue_search_index_update, index.get_indexed_models()),
        (update_reference_index_on_save, queue_reference_index_update,
         ReferenceIndex.tracked_models),
    ]  # fmt: skip


def take_over_object_tasks(**kwargs) -> int:
    """Swap Wagtail's save handlers for ours wherever Wagtail connected them; returns how
    many were swapped (none when already done)."""
    swapped = 0
    for theirs, ours, models in _replacements():
        for model in models:
            if post_save.disconnect(theirs, sender=model):
                post_save.connect(ours, sender=model, dispatch_uid=f"{ours.__name__}:{model}")
                swapped += 1
    return swapped


class ObjectTasksConfig(AppConfig):
    name = "masthead.news.object_tasks"
    label = "masthead_object_tasks"
    verbose_name = "Masthead per-object tasks"

    def ready(self) -> None:
        take_over_object_tasks()
        # Wagtail connects its reference index handlers again after every migrate.
        post_migrate.connect(take_over_object_tasks, dispatch_uid="masthead-object-tasks")
