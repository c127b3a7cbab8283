from django.apps import AppConfig


class NewslettersConfig(AppConfig):
    name = "masthead.newsletters"
    label = "newsletters"
    verbose_name = "Newsletters"

    def ready(self) -> None:
        from anymail.signals import tracking
        from django.db.models.signals import post_delete, post_save

        from masthead.core.lanes import register_reconciler

        from . import issues, sending
        from .bounces import tracking_received
        from .models import Newsletter
        from .signal_handlers import newsletter_changed

        register_reconciler(sending.sends_reconcile)
        register_reconciler(issues.digests_due)
        tracking.connect(tracking_received, dispatch_uid="masthead.newsletters.tracking")
        for signal in (post_save, post_delete):
            signal.connect(
                newsletter_changed, sender=Newsletter, dispatch_uid=f"newsletter-{signal}"
            )
