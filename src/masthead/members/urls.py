from django.urls import path

from . import account_views, views

app_name = "members"
urlpatterns = [
    path("account/", account_views.account, name="account"),
    path("account/sign-in/", views.sign_in, name="sign-in"),
    path("account/sign-in/<str:token>/", views.sign_in_link, name="sign-in-link"),
    path("account/sign-out/", views.sign_out, name="sign-out"),
    path("account/newsletters/", account_views.newsletters, name="newsletters"),
    path("account/email/", account_views.change_email, name="change-email"),
    path("account/email/<str:token>/", account_views.confirm_email, name="email-confirm"),
    path("account/data.json", account_views.download, name="download"),
    path("account/delete/", account_views.delete, name="delete"),
]
