from django.apps import AppConfig


class PagesConfig(AppConfig):
    """The floor above the apps: composes reader pages from news, audience, curation,
    narration and distribution, so that news never imports them (news/page_context.py)."""

    name = "masthead.pages"
    label = "masthead_pages"
    verbose_name = "Reader pages"

    def ready(self) -> None:
        from masthead.core import media
        from masthead.distribution import images as shared_images
        from masthead.news import page_context

        from . import compose, protected_media

        page_context.register("home", compose.home_context)
        page_context.register("article", compose.article_context)
        page_context.add_hero_specs(shared_images.ALL_SPECS)
        media.register_guard("narration/", protected_media.narration_file)
        compose.add_narration_panel()
