"""Settings → Users, with the rule of core/user_rights.py enforced on the server.

Wagtail's own user screens let anyone with the user permissions tick "Administrator"
(is_superuser), edit or reset the password of a superuser, and give any group to anyone,
themselves included. Wagtail 7.4's documented way to change them is a custom user
viewset named by a subclass of WagtailUsersAppConfig (INSTALLED_APPS lists
"masthead.core.users_app.UsersAppConfig" in place of "wagtail.users"); the three bulk
actions of the users listing are replaced too, through the same hook Wagtail uses
(registered in core/wagtail_hooks.py).
"""

from django.core.exceptions import PermissionDenied
from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views import users as wagtail_users
from wagtail.users.views.bulk_actions import (
    AssignRoleBulkAction,
    DeleteBulkAction,
    SetActiveStateBulkAction,
)

from .user_rights import assignable_groups, can_delete_user, can_manage_user


class GuardedUserFormMixin:
    """Only a superuser sees (or can post) is_superuser; groups are limited to those the
    acting user may give out, so a crafted POST naming another group is a form error."""

    def __init__(self, *args, acting_user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not acting_user.is_superuser:
            self.fields.pop("is_superuser", None)
            if "groups" in self.fields:
                self.fields["groups"].queryset = assignable_groups(user=acting_user)


class GuardedUserCreationForm(GuardedUserFormMixin, UserCreationForm):
    pass


class GuardedUserEditForm(GuardedUserFormMixin, UserEditForm):
    pass


class ActingUserFormMixin:
    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "acting_user": self.request.user}


class CreateView(ActingUserFormMixin, wagtail_users.CreateView):
    pass


class EditView(ActingUserFormMixin, wagtail_users.EditView):
    def dispatch(self, request, *args, **kwargs):
        if not can_manage_user(user=request.user, target=self.object):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.can_delete = can_delete_user(user=request.user, target=self.object)


class DeleteView(wagtail_users.DeleteView):
    def dispatch(self, request, *args, **kwargs):
        self.object = self.get_object()
        if not can_delete_user(user=request.user, target=self.object):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class UserViewSet(wagtail_users.UserViewSet):
    add_view_class = CreateView
    edit_view_class = EditView
    delete_view_class = DeleteView

    def get_form_class(self, for_update=False):
        return GuardedUserEditForm if for_update else GuardedUserCreationForm


class GuardedAssignRole(AssignRoleBulkAction):
    def check_perm(self, obj):
        return can_manage_user(user=self.request.user, target=obj)

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.fields["role"].queryset = assignable_groups(user=self.request.user)
        return form


class GuardedSetActiveState(SetActiveStateBulkAction):
    def check_perm(self, obj):
        return can_manage_user(user=self.request.user, target=obj)


class GuardedDelete(DeleteBulkAction):
    def check_perm(self, obj):
        return can_delete_user(user=self.request.user, target=obj)


BULK_ACTIONS = (GuardedAssignRole, GuardedSetActiveState, GuardedDelete)
