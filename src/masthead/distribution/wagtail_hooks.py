"""Admin: webhook endpoints (add, edit, switch off) and the read-only delivery log."""

from django import forms
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.permission_policies import ModelPermissionPolicy

from .models import Event, Webhook, WebhookDelivery


class WebhookForm(WagtailAdminModelForm):
    events = forms.MultipleChoiceField(
        choices=Event.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="What this endpoint is told about.",
    )


class WebhookViewSet(ModelViewSet):
    model = Webhook
    icon = "link"
    menu_label = "Endpoints"
    url_prefix = "webhooks/endpoints"
    list_display = ["name", "url", "events_display", "is_active", "resting_display"]
    list_filter = ["is_active"]
    copy_view_enabled = False
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("url"),
            FieldPanel("events"),
            FieldPanel("secret"),
            FieldPanel("is_active"),
        ],
        base_form_class=WebhookForm,
    )


class DeliveryLogPermissionPolicy(ModelPermissionPolicy):
    """Deliveries are a record of what happened: nobody adds, edits or deletes them."""

    def user_has_permission(self, user, action):
        if action in ("add", "change", "delete"):
            return False
        return super().user_has_permission(user, action)


class DeliveryIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("webhook").prefetch_related("attempt_log")


class DeliveryInspectView(InspectView):
    def get_attempt_history_display_value(self):
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{} ms</td><td>{}</td></tr>",
            (
                (a.number, a.at, a.status_code or "—", a.error, a.duration_ms, a.response_excerpt)
                for a in self.object.attempt_log.all()
            ),
        )
        return format_html(
            '<table class="listing"><thead><tr><th>#</th><th>When</th><th>Status code</th>'
            "<th>Error</th><th>Took</th><th>Response</th></tr></thead><tbody>{}</tbody></table>",
            rows,
        )


class DeliveryViewSet(ModelViewSet):
    model = WebhookDelivery
    icon = "list-ul"
    menu_label = "Delivery log"
    url_prefix = "webhooks/deliveries"
    index_view_class = DeliveryIndexView
    inspect_view_class = DeliveryInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    form_fields = ["status"]  # never shown: the policy allows no add or edit
    list_display = [
        "title",
        "webhook",
        "event",
        "status",
        "response_status",
        "attempt_history",
        "created_at",
        "next_attempt_at",
    ]
    list_filter = ["status", "event", "webhook"]
    inspect_view_fields = [
        "webhook",
        "event",
        "title",
        "article_id",
        "status",
        "attempts",
        "response_status",
        "error",
        "attempt_history",
        "created_at",
        "last_attempt_at",
        "next_attempt_at",
        "uuid",
        "body",
    ]

    @cached_property
    def permission_policy(self):
        return DeliveryLogPermissionPolicy(self.model)


class WebhooksGroup(ModelViewSetGroup):
    menu_label = "Webhooks"
    menu_icon = "link"
    menu_order = 370
    items = (WebhookViewSet, DeliveryViewSet)


@hooks.register("register_admin_viewset")
def register_webhooks_viewsets():
    return WebhooksGroup()
