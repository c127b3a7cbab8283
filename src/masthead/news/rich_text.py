"""Rich text as the admin accepts it from a POST: what the Draftail editor could have
sent, and nothing a hand-made POST adds (the editor's JavaScript is not a boundary)."""

from draftjs_exporter.dom import DOM
from wagtail.admin.rich_text import DraftailRichTextArea as WagtailDraftailRichTextArea
from wagtail.admin.rich_text.converters.contentstate import link_entity as wagtail_link_entity


class DraftailRichTextArea(WagtailDraftailRichTextArea):
    def value_from_datadict(self, data, files, name):
        try:
            return super().value_from_datadict(data, files, name)
        except (ValueError, TypeError, KeyError, AttributeError):
            # Not Draftail's contentstate JSON (raw HTML, say): no editor sends that.
            # An empty value makes the form report the field instead of a server error.
            return ""


def link_entity(props):
    """Wagtail's link entity, keeping a page link only when its id is a number: a crafted
    id ("1\" onmouseover=...") was stored as is, and every later render of the page (the
    public article, its feeds, the admin's edit form) failed on int()."""
    page_id = props.get("id")
    if page_id is not None and not str(page_id).isdigit():
        page_id = None
    if page_id is None and not isinstance(props.get("url"), str):
        return DOM.create_element("a", {}, props["children"])  # a link to nothing
    return wagtail_link_entity({**props, "id": page_id})
