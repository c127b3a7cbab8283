"""Background work of distribution. Tasks take primary keys."""

from django_tasks import task
from wagtail.images import get_image_model

from . import images


@task()
def deliver_webhook(delivery_id: int) -> str:
    """One attempt at a webhook delivery; a failed attempt schedules the next one."""
    from . import services

    return services.webhook_deliver(delivery_id=delivery_id)


@task()
def prepare_share_renditions(image_id: int) -> int:
    """Make the social-card, structured-data and feed sizes of an image ahead of crawlers."""
    image = get_image_model().objects.filter(pk=image_id).first()
    return images.prepare_all(image) if image else 0
