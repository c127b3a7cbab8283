from django.urls import path

app_name = "narration"
urlpatterns: list = []
