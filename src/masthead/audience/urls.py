from django.urls import path

app_name = "audience"
urlpatterns: list = []
