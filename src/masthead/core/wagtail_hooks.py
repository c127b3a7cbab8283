from wagtail import hooks

from .user_admin import BULK_ACTIONS

# Registered after Wagtail's own (a higher order comes later): the bulk action registry
# keeps the last class per action type, so these replace Wagtail's unguarded ones.
for _action in BULK_ACTIONS:
    hooks.register("register_bulk_action", _action, order=100)
