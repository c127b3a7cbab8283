"""GET /healthz: 200 {"status": "ok", ...} or 503 with the failing checks. Never cached,
and it names no path, host, process or secret (anyone can fetch it)."""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .health import run_checks


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    scope = "web" if request.GET.get("scope") == "web" else "all"
    checks = run_checks(scope=scope)
    failing = [c for c in checks if not c.ok]
    body = {
        "status": "ok" if not failing else "failing",
        "scope": scope,
        "checks": {c.name: {"ok": c.ok, "summary": c.summary} for c in checks},
    }
    if failing:
        body["failing"] = [c.name for c in failing]
    return JsonResponse(body, status=503 if failing else 200)
