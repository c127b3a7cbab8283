"""Rich-text links to pages, rendered for readers."""

from django.utils.html import escape
from wagtail import hooks
from wagtail.rich_text.pages import PageLinkHandler


class ReaderPageLinkHandler(PageLinkHandler):
    """Wagtail writes `<a href="…">` for a link to any page, a draft included: its path
    (the story's slug) would be in the published HTML, the feeds and the API. A link to
    a page that is not live keeps its text without the link."""

    @classmethod
    def expand_db_attributes_many(cls, attrs_list: list[dict]) -> list[str]:
        return [
            f'<a href="{escape(page.localized.url)}">' if page is not None and page.live else "<a>"
            for page in cls.get_many(attrs_list)
        ]


# After Wagtail's own registration (order 0), which this replaces.
@hooks.register("register_rich_text_features", order=10)
def register_reader_page_links(features) -> None:
    features.register_link_type(ReaderPageLinkHandler)
