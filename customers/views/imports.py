"""Import pages for managers: upload, the check's report, confirmation, progress, history."""

from __future__ import annotations

from pathlib import Path

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView, View

from crm.mixins import CrmPermissionMixin, HtmxTemplateMixin, add_service_errors
from crm.pagination import KeysetPaginator
from customers import selectors
from customers.forms import ImportConfirmForm, ImportUploadForm
from customers.services import imports as services


class ImportJobListView(CrmPermissionMixin, HtmxTemplateMixin, TemplateView):
    permission_required = "customers.view_importjob"
    template_name = "customers/importjob_list.html"
    htmx_partial = "results"

    def get_context_data(self, **kwargs):
        jobs = selectors.import_job_list(user=self.request.user)
        page = KeysetPaginator(jobs).page(self.request.GET.get("cursor"))
        return super().get_context_data(page=page, **kwargs)


class ImportJobCreateView(CrmPermissionMixin, FormView):
    permission_required = "customers.add_importjob"
    template_name = "customers/importjob_form.html"
    form_class = ImportUploadForm

    def form_valid(self, form):
        try:
            job = services.import_job_create(
                actor=self.request.user, kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"], skip_invalid=form.cleaned_data["skip_invalid"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.info(self.request, _("The file is being checked; nothing is imported until "
                                      "you confirm."))
        return redirect(job)


class ImportJobMixin(CrmPermissionMixin):
    permission_required = "customers.view_importjob"

    @cached_property
    def job(self):
        return selectors.import_job_get(user=self.request.user, pk=self.kwargs["pk"])


class ImportJobDetailView(ImportJobMixin, HtmxTemplateMixin, TemplateView):
    """The check's report, the confirmation form and the progress bar; htmx polls the
    `status` partial while the job runs."""

    template_name = "customers/importjob_detail.html"
    htmx_partial = "status"

    def get_context_data(self, **kwargs):
        form = kwargs.pop("form", None) or ImportConfirmForm(
            initial={"skip_invalid": self.job.skip_invalid}
        )
        return super().get_context_data(
            job=self.job, form=form,
            can_import=self.request.user.has_perm("customers.add_importjob"), **kwargs
        )


class ImportJobConfirmView(ImportJobMixin, View):
    permission_required = ("customers.view_importjob", "customers.add_importjob")
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = ImportConfirmForm(request.POST)
        if form.is_valid():
            try:
                services.import_job_confirm(actor=request.user, job=self.job, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
        if form.errors:
            view = ImportJobDetailView(request=request, args=args, kwargs=kwargs)
            return view.render_to_response(view.get_context_data(form=form), status=400)
        messages.success(request, _("The import has started."))
        return redirect(self.job)


class ImportJobCancelView(ImportJobMixin, View):
    permission_required = ("customers.view_importjob", "customers.add_importjob")
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            services.import_job_cancel(actor=request.user, job=self.job)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The import was cancelled and its file deleted."))
        return redirect(self.job)


class ImportJobProblemsView(ImportJobMixin, View):
    """Every problem the check or the import found, as a CSV file."""

    def get(self, request, *args, **kwargs):
        if not self.job.problems_file:
            raise Http404
        stem = Path(self.job.file_name).stem or "import"
        return FileResponse(
            self.job.problems_file.open("rb"), as_attachment=True,
            filename=_("%(name)s-problems.csv") % {"name": stem},
            content_type="text/csv; charset=utf-8",
        )
