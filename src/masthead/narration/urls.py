from django.urls import path

from .feeds import PodcastFeed

app_name = "narration"
urlpatterns = [path("podcast.xml", PodcastFeed(), name="podcast")]
