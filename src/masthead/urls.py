from django.conf import settings
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from masthead.core.healthz import healthz
from masthead.pages.documents import serve_document

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", include(wagtailadmin_urls)),
    # Wagtail's document view with its privacy checks, and a private document's
    # Cache-Control (masthead/pages/documents.py).
    path("documents/<int:document_id>/<str:document_filename>", serve_document),
    path("documents/", include(wagtaildocs_urls)),
]

if getattr(settings, "MASTHEAD_SERVE_MEDIA", True):
    from masthead.core.media import serve_media

    # Media files are served by the app on one machine; behind a CDN or S3 this is unused.
    urlpatterns += [path("media/<path:path>", serve_media)]

urlpatterns += [
    path("", include("masthead.news.urls")),
    path("", include("masthead.audience.urls")),
    path("", include("masthead.narration.urls")),
    path("", include("masthead.distribution.urls")),
    path("", include("masthead.members.urls")),
    path("", include("masthead.newsletters.urls")),
    path("", include(wagtail_urls)),
]

handler404 = "masthead.core.views.page_not_found"
handler500 = "masthead.core.views.server_error"
