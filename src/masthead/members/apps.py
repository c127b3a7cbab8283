from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "masthead.members"
    label = "members"
    verbose_name = "Members"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from masthead.news import visibility

        from . import access, signal_handlers

        visibility.register_access_policy(access.reader_policy)
        user_logged_in.connect(
            signal_handlers.drop_member_on_staff_login, dispatch_uid="members-staff-login"
        )
