from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem, SubmenuMenuItem
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button

from . import admin_lists, admin_views
from .models import Newsletter


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [
        path("newsletters/issues/", admin_views.issue_list, name="newsletters_issues"),
        path("newsletters/issues/<int:send_id>/", admin_views.issue_detail,
             name="newsletters_issue"),
        path("newsletters/issues/<int:send_id>/preview/", admin_views.issue_preview,
             name="newsletters_issue_preview"),
        path("newsletters/issues/<int:send_id>/action/", admin_views.issue_action,
             name="newsletters_issue_action"),
        path("newsletters/article/<int:page_id>/", admin_views.article_send,
             name="newsletters_article_send"),
        path("newsletters/digest/", admin_views.digest_new, name="newsletters_digest"),
        path("newsletters/subscribers/", admin_lists.subscribers, name="newsletters_subscribers"),
        path("newsletters/subscribers/export/", admin_lists.export_csv,
             name="newsletters_export"),
        path("newsletters/subscribers/import/", admin_lists.import_csv,
             name="newsletters_import"),
    ]  # fmt: skip


class NewsletterViewSet(ModelViewSet):
    model = Newsletter
    icon = "mail"
    menu_label = "Newsletters"
    add_to_admin_menu = False
    form_fields = ["name", "slug", "description", "sender_name", "sender_address", "schedule",
                   "send_time", "send_weekday", "section", "active", "position"]  # fmt: skip
    list_display = ["name", "schedule", "active", "position"]
    search_fields = ["name"]
    url_prefix = "newsletters/lists"
    name = "newsletters_newsletter"


newsletter_viewset = NewsletterViewSet()


@hooks.register("register_admin_viewset")
def register_newsletter_viewset():
    return newsletter_viewset


class PermissionMenuItem(MenuItem):
    def __init__(self, *args, permission: str, **kwargs) -> None:
        self.permission = permission
        super().__init__(*args, **kwargs)

    def is_shown(self, request):
        return request.user.has_perm(self.permission)


@hooks.register("register_admin_menu_item")
def register_newsletters_menu():
    from wagtail.admin.menu import Menu

    items = [
        PermissionMenuItem("Issues", reverse("newsletters_issues"), icon_name="mail",
                           permission="newsletters.view_send", order=10),
        PermissionMenuItem("New digest", reverse("newsletters_digest"), icon_name="list-ul",
                           permission="newsletters.add_send", order=20),
        PermissionMenuItem("Subscribers", reverse("newsletters_subscribers"), icon_name="group",
                           permission="newsletters.view_newsletter", order=30),
        PermissionMenuItem("Newsletters", reverse("newsletters_newsletter:index"),
                           icon_name="cog", permission="newsletters.change_newsletter",
                           order=40),
    ]  # fmt: skip
    return SubmenuMenuItem("Newsletters", Menu(items=items), icon_name="mail", order=370)


@hooks.register("register_page_header_buttons")
def send_to_newsletter_button(page, user, view_name, next_url=None):
    if page.specific_class.__name__ != "ArticlePage" or not page.live:
        return
    if user.has_perm("newsletters.add_send"):
        yield Button("Send to newsletter", reverse("newsletters_article_send", args=[page.pk]),
                     icon_name="mail", priority=62)  # fmt: skip
