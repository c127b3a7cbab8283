from django.urls import path

from . import views

app_name = "audience"
urlpatterns = [path("_audience/view", views.record_view, name="view")]
