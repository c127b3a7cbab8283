from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import admin_views


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [
        path("import/", admin_views.ImportIndexView.as_view(), name="importers_index"),
        path("import/<int:pk>/", admin_views.ImportRunView.as_view(), name="importers_run"),
        path(
            "import/<int:pk>/progress.json",
            admin_views.run_progress,
            name="importers_run_progress",
        ),
    ]


class ImportMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(admin_views.PERMISSION)


@hooks.register("register_admin_menu_item")
def register_import_menu_item():
    return ImportMenuItem("Import", reverse("importers_index"), icon_name="download", order=900)
