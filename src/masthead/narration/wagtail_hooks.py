from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from . import views
from .models import PronunciationEntry


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [
        path("narrations/", views.narration_list, name="narration_list"),
        path(
            "narrations/<int:page_id>/regenerate/",
            views.narration_regenerate,
            name="narration_regenerate",
        ),
    ]


class NarrationsMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("narration.view_narration")


@hooks.register("register_admin_menu_item")
def register_narrations_menu_item():
    return NarrationsMenuItem("Narrations", reverse("narration_list"), icon_name="media", order=350)


class PronunciationViewSet(SnippetViewSet):
    model = PronunciationEntry
    icon = "openquote"
    menu_label = "Pronunciation"
    menu_order = 360
    add_to_admin_menu = True
    list_display = ["phrase", "spoken", "note"]
    search_fields = ["phrase"]


register_snippet(PronunciationViewSet)


@hooks.register("masthead_staff_toolbar_items")
def narration_status_on_the_staff_bar(page, request):
    """The narration's status on the staff bar of a public article page (core's
    staff_toolbar tag); for staff who may see narrations."""
    from .selectors import narration_status_of

    if not hasattr(page, "narrate") or not request.user.has_perm("narration.view_narration"):
        return None
    return {"label": f"Narration: {narration_status_of(page)}", "url": reverse("narration_list")}
