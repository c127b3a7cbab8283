"""Who may manage which user account: the rule behind Settings → Users (see docs/security.md).

A superuser may manage everyone. Anyone else with the user permissions (the Admin group)
may manage only accounts that do not outrank them, and may give out only groups whose
rights they hold themselves:

- a group is *assignable* by a user when every model, page and collection permission of
  the group is one the user already has (on the same page or collection);
- a user is *manageable* (edit, reset the password, deactivate, delete) when it is not a
  superuser, is not the acting user's own account for deletion, and holds no group or
  direct permission the acting user could not give out.

So nobody but a superuser creates a superuser, edits or deletes one, resets a superuser's
password, or puts anyone (themselves included) in a group with more rights than their own.
"""

from django.contrib.auth.models import AbstractBaseUser, Group
from django.db.models import QuerySet
from wagtail.models import GroupCollectionPermission, GroupPagePermission


def _model_permissions(user: AbstractBaseUser) -> set[str]:
    return set(user.get_all_permissions())


def _object_permissions(model, group_ids) -> set[tuple]:
    column = "page_id" if model is GroupPagePermission else "collection_id"
    return set(model.objects.filter(group_id__in=group_ids).values_list(column, "permission_id"))


def _held_rights(user: AbstractBaseUser) -> tuple[set, set, set]:
    group_ids = list(user.groups.values_list("pk", flat=True))
    return (
        _model_permissions(user),
        _object_permissions(GroupPagePermission, group_ids),
        _object_permissions(GroupCollectionPermission, group_ids),
    )


def assignable_groups(*, user: AbstractBaseUser) -> QuerySet[Group]:
    """The groups this user may put accounts into (every group for a superuser)."""
    groups = Group.objects.order_by("name")
    if user.is_superuser:
        return groups
    model_perms, page_perms, collection_perms = _held_rights(user)
    allowed = []
    for group in groups.prefetch_related("permissions__content_type"):
        codes = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
        if (
            codes <= model_perms
            and _object_permissions(GroupPagePermission, [group.pk]) <= page_perms
            and _object_permissions(GroupCollectionPermission, [group.pk]) <= collection_perms
        ):
            allowed.append(group.pk)
    return groups.filter(pk__in=allowed)


def can_manage_user(*, user: AbstractBaseUser, target: AbstractBaseUser) -> bool:
    """May `user` edit `target`'s account (details, password, groups, active state)?"""
    if user.is_superuser:
        return True
    if target.is_superuser or not user.has_perm("auth.change_user"):
        return False
    if user.pk == target.pk:
        return True  # own details and password; the form offers only groups they could give
    model_perms = _model_permissions(user)
    direct = {
        f"{p.content_type.app_label}.{p.codename}"
        for p in target.user_permissions.select_related("content_type")
    }
    if not direct <= model_perms:
        return False
    target_groups = set(target.groups.values_list("pk", flat=True))
    return target_groups <= set(assignable_groups(user=user).values_list("pk", flat=True))


def can_delete_user(*, user: AbstractBaseUser, target: AbstractBaseUser) -> bool:
    if user.pk == target.pk or not user.has_perm("auth.delete_user"):
        return False
    return can_manage_user(user=user, target=target)
