from django.urls import path

from . import views

app_name = "newsletters"
urlpatterns = [
    path("newsletters/", views.index, name="index"),
    path("newsletters/subscribe/", views.subscribe, name="subscribe"),
    path("newsletters/confirm/<str:token>/", views.confirm, name="confirm"),
    path("newsletters/preferences/<str:token>/", views.preferences, name="preferences"),
    path("newsletters/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("newsletters/link/", views.request_link, name="request_link"),
    path(
        "newsletters/anymail/<slug:provider>/tracking/",
        views.provider_webhook,
        name="provider_webhook",
    ),
]
