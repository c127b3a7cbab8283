"""Friendly error pages that still carry the site's navigation."""

from django.http import HttpRequest, HttpResponse
from django.template import loader


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    html = loader.render_to_string("404.html", {"request_path": request.path}, request)
    return HttpResponse(html, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors or database here: the error may be the database itself.
    html = loader.get_template("500.html").render({})
    return HttpResponse(html, status=500)
