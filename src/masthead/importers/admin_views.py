"""The admin's Import screen: upload an export, read the rehearsal, start the import.

Admin role only (`importers.add_importrun`, given to the Admin group in core/roles.py):
every view checks it, the JSON progress endpoint and the POSTs included. The flow:

1. Upload (a WordPress .xml or Ghost .json): refused at once when it is too big, empty
   or not the kind of file its name says (uploads.py); else stored privately and a
   *rehearsal* (a dry run: everything is done, then rolled back) is queued on the slow
   lane.
2. The run's page shows a progress bar (static JS polls `progress.json`; without
   JavaScript the page says to reload), then the rehearsal's report: what would be
   created, updated or skipped, and every warning with the source id it is about. A
   file that is not a valid export is reported there, and nothing was written.
3. "Start import" queues the real import of the same file with the same choices.

Every run, rehearsal or import, stays in the log on the first page.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse, reverse_lazy
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from .admin_forms import ImportForm
from .models import ImportRun
from .report import ImportOptions
from .services import import_run_queue
from .uploads import KIND_LABELS, display_name, store_upload

PERMISSION = "importers.add_importrun"
LOG_LENGTH = 50
ACTIVE = (ImportRun.Status.QUEUED, ImportRun.Status.RUNNING)


def check_permission(request: HttpRequest) -> None:
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied


class AdminOnly:
    def dispatch(self, request, *args, **kwargs):
        check_permission(request)
        return super().dispatch(request, *args, **kwargs)


class ImportIndexView(AdminOnly, WagtailAdminTemplateMixin, TemplateView):
    template_name = "importers/admin/index.html"
    page_title = "Import"
    header_icon = "download"
    breadcrumbs_items = [
        {"url": reverse_lazy("wagtailadmin_home"), "label": "Home"},
        {"url": "", "label": "Import"},
    ]

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"] = form or ImportForm()
        context["runs"] = ImportRun.objects.select_related("user")[:LOG_LENGTH]
        return context

    def post(self, request, *args, **kwargs):
        form = ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        upload = form.cleaned_data["export"]
        options = form.options(dry_run=True)
        with transaction.atomic():
            run = import_run_queue(
                kind=form.kind,
                file_name=display_name(upload),
                options=options,
                user=request.user,
                upload_path=store_upload(upload, form.kind),
            )
        return redirect("importers_run", run.pk)


class ImportRunView(AdminOnly, WagtailAdminTemplateMixin, TemplateView):
    template_name = "importers/admin/run.html"
    header_icon = "download"

    def get_run(self) -> ImportRun:
        return get_object_or_404(ImportRun.objects.select_related("user"), pk=self.kwargs["pk"])

    def get_page_title(self):
        run = self.run
        return f"{'Rehearsal' if run.dry_run else 'Import'} of {run.file_name}"

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse("wagtailadmin_home"), "label": "Home"},
            {"url": reverse("importers_index"), "label": "Import"},
            {"url": "", "label": self.get_page_title()},
        ]

    def get(self, request, *args, **kwargs):
        self.run = self.get_run()
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        run = self.run
        report = run.report or {}
        context.update(
            {
                "run": run,
                "kind_label": KIND_LABELS.get(run.kind, run.kind),
                "active": run.status in ACTIVE,
                "counts": counts_table(run.counts or report.get("counts") or {}),
                "warnings": report.get("warnings") or [],
                "warning_count": report.get("warning_count", 0),
                "failures": report.get("failures") or [],
                "can_start": can_start(run),
                "options": ImportOptions.from_dict(run.options),
            }
        )
        return context

    def post(self, request, *args, **kwargs):
        """Start the import that the rehearsal `pk` rehearsed."""
        rehearsal = self.get_run()
        if not can_start(rehearsal):
            messages.error(request, "Only a finished rehearsal can be started.")
            return redirect("importers_run", rehearsal.pk)
        running = ImportRun.objects.filter(
            upload_path=rehearsal.upload_path, dry_run=False, status__in=ACTIVE
        ).first()
        if running is not None:  # a second click (or tab) follows the import already going
            return redirect("importers_run", running.pk)
        options = ImportOptions.from_dict(rehearsal.options)
        options.dry_run = False
        with transaction.atomic():
            run = import_run_queue(
                kind=rehearsal.kind,
                file_name=rehearsal.file_name,
                options=options,
                user=request.user,
                upload_path=rehearsal.upload_path,
            )
        return redirect("importers_run", run.pk)


def can_start(run: ImportRun) -> bool:
    return run.dry_run and run.status == ImportRun.Status.FINISHED and bool(run.upload_path)


def counts_table(counts: dict) -> list[tuple[str, int]]:
    from .report import COUNTERS

    names = [*COUNTERS, *sorted(set(counts) - set(COUNTERS))]
    return [(name.replace("_", " ").capitalize(), counts.get(name, 0)) for name in names]


@require_GET
def run_progress(request: HttpRequest, pk: int) -> JsonResponse:
    check_permission(request)
    run = ImportRun.objects.filter(pk=pk).first()
    if run is None:
        raise Http404
    return JsonResponse(
        {
            "status": run.status,
            "label": run.get_status_display(),
            "percent": run.percent,
            "done": run.progress_done,
            "total": run.progress_total,
            "active": run.status in ACTIVE,
        }
    )
