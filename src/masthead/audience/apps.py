from django.apps import AppConfig

READ_ALSO_HEADING = "Read also: editors' picks"


def add_editor_panels() -> None:
    """Put the editors' "Read also" picks and the 7-day views on the article editor's
    Promote tab. The page model belongs to the news app; the panels belong here."""
    from wagtail.admin.panels import InlinePanel

    from masthead.news.models import ArticlePage

    from .panels import ArticleViewsPanel

    if any(getattr(p, "heading", "") == READ_ALSO_HEADING for p in ArticlePage.promote_panels):
        return
    ArticlePage.promote_panels = [
        *ArticlePage.promote_panels,
        InlinePanel(
            "read_also_picks",
            label="Pick",
            heading=READ_ALSO_HEADING,
            help_text="Listed first, in this order, under “Read also” at the end of the "
            "article; suggestions from shared topics and the section fill the rest.",
            max_num=6,
        ),
        ArticleViewsPanel(heading="Readers"),
    ]
    ArticlePage.get_edit_handler.cache_clear()  # built lazily; drop any earlier build


class AudienceConfig(AppConfig):
    name = "masthead.audience"
    label = "audience"
    verbose_name = "Audience"

    def ready(self) -> None:
        from . import signal_handlers

        signal_handlers.register()
        add_editor_panels()
