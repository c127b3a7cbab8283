from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import admin_views


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [
        path("members/", admin_views.member_list, name="members_admin"),
        path("members/export.csv", admin_views.member_csv, name="members_admin_csv"),
        path("members/<int:pk>/delete/", admin_views.member_delete, name="members_admin_delete"),
    ]


class MembersMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("members.view_member")


@hooks.register("register_admin_menu_item")
def register_members_menu_item():
    return MembersMenuItem("Members", reverse("members_admin"), icon_name="group", order=345)
