from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import admin_views
from .panels import REPORT_PERMISSION


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [
        path("audience/", admin_views.AudienceReportView.as_view(), name="audience_report"),
        path("audience/export.csv", admin_views.report_csv, name="audience_report_csv"),
    ]


class AudienceMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(REPORT_PERMISSION)


@hooks.register("register_admin_menu_item")
def register_audience_menu_item():
    return AudienceMenuItem("Audience", reverse("audience_report"), icon_name="view", order=340)
