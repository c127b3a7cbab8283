from django.apps import AppConfig


class NewsConfig(AppConfig):
    name = "masthead.news"
    label = "news"
    verbose_name = "News"

    def ready(self) -> None:
        from django.conf import settings
        from PIL import Image

        from . import signal_handlers

        # Pillow warns above this many pixels and refuses twice as many on opening a
        # file: a rendition of an image stored before the upload limit stays bounded.
        Image.MAX_IMAGE_PIXELS = settings.MASTHEAD_MAX_IMAGE_PIXELS

        signal_handlers.register()
