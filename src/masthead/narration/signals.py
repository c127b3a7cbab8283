from django.dispatch import Signal

# Sent when a narration's new audio is in place (webhooks, cache purges listen).
narration_ready = Signal()
# A run's first live part appeared, or live parts readers could play were withdrawn
# (parts.py): the article page shows, or stops showing, the "being prepared" player.
narration_parts_changed = Signal()
