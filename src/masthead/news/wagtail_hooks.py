"""Rich-text links to pages: as readers see them, and as a POST may store them."""

from django.utils.html import escape
from wagtail import hooks
from wagtail.rich_text.pages import PageLinkHandler

from . import admin_actions, drafts
from .rich_text import link_entity


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


@hooks.register("register_rich_text_features", order=100)
def register_checked_page_links(features) -> None:
    # Runs after Wagtail's own "link" feature (order 0) and replaces only how a LINK
    # entity is written to the database.
    rule = features.converter_rules_by_converter.get("contentstate", {}).get("link")
    if rule is not None:
        rule["to_database_format"] = {"entity_decorators": {"LINK": link_entity}}


# The page editor in newsroom words; stale workflow actions; drafts never published
# (admin_actions.py, drafts.py).
hooks.register("construct_page_action_menu", admin_actions.newsroom_action_menu)
hooks.register("before_edit_page", admin_actions.saves_stale_workflow_action_as_draft)
hooks.register("after_create_page", admin_actions.report_changed_slug)
hooks.register("after_edit_page", admin_actions.report_changed_slug)
hooks.register("construct_homepage_panels", drafts.add_drafts_panel)
