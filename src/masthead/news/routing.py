"""Page mixins: fewer queries to find a page and to check its view restrictions."""

from wagtail.models import Page


class SkipsViewRestrictionsWhenNoneExist:
    """Wagtail checks a page and its ancestors for view restrictions on every request
    (two queries). Most newsrooms have none: whether any exist is kept in core.memo,
    and a change of restrictions starts a new generation (core/signal_handlers.py)."""

    def get_view_restrictions(self):
        from wagtail.models import PageViewRestriction

        from .visibility import restrictions_exist

        if not restrictions_exist():
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()


class RoutesToChildDirectly:
    """Finds the child a URL names with its own type in one query (Wagtail's routing
    loads the child as a plain page, then its specific row: two)."""

    child_model: type[Page]

    def route(self, request, path_components):
        if path_components:
            child = self.child_model.objects.filter(
                path__startswith=self.path, depth=self.depth + 1, slug=path_components[0]
            ).first()
            if child is not None:
                child._cached_parent_obj = self
                return child.route(request, path_components[1:])
        return super().route(request, path_components)
