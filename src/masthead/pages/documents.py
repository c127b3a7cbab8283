"""Documents through Wagtail's serve view (which checks the collection's privacy: a
password, a sign-in or a group), with a cache policy: a document of a private
collection is never kept by a shared cache (CDN, Varnish), where the next reader would
get it without any check. Wagtail's view sets no Cache-Control of its own."""

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from wagtail.documents import get_document_model
from wagtail.documents.views.serve import serve


def serve_document(request: HttpRequest, document_id: int, document_filename: str) -> HttpResponse:
    response = serve(request, document_id, document_filename)
    document = get_document_model().objects.filter(pk=document_id).select_related("collection")
    document = document.first()
    if document is not None and document.collection.get_view_restrictions().exists():
        patch_cache_control(response, private=True, no_store=True)
        patch_vary_headers(response, ["Cookie"])
    return response
