from wagtail.users.apps import WagtailUsersAppConfig


class UsersAppConfig(WagtailUsersAppConfig):
    """Wagtail's users app with Masthead's guarded user screens (core/user_admin.py)."""

    user_viewset = "masthead.core.user_admin.UserViewSet"
