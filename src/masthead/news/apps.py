from django.apps import AppConfig


class NewsConfig(AppConfig):
    name = "masthead.news"
    label = "news"
    verbose_name = "News"

    def ready(self) -> None:
        from . import signal_handlers

        signal_handlers.register()
