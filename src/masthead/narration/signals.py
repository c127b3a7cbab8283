from django.dispatch import Signal

# Sent when a narration's new audio is in place (webhooks, cache purges listen).
narration_ready = Signal()
