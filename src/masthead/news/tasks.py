"""Background work of the news app."""

from django_tasks import task
from wagtail.images import get_image_model

from . import images


@task()
def prepare_renditions(image_id: int) -> int:
    """Resize an image to every size the site shows, before a reader asks for it."""
    image = get_image_model().objects.filter(pk=image_id).first()
    return images.prepare_all(image) if image else 0
