from wagtail import hooks

from .rich_text import link_entity


@hooks.register("register_rich_text_features", order=100)
def register_checked_page_links(features):
    # Runs after Wagtail's own "link" feature (order 0) and replaces only how a LINK
    # entity is written to the database.
    rule = features.converter_rules_by_converter.get("contentstate", {}).get("link")
    if rule is not None:
        rule["to_database_format"] = {"entity_decorators": {"LINK": link_entity}}
