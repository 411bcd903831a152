"""Domain-free view plumbing shared by every app."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.utils.cache import patch_vary_headers


class HtmxTemplateMixin:
    """Render only the named partial of the page for htmx requests, the whole page otherwise.

    The page and its refreshable region live in one template (django-template-partials):
    `customers/customer_list.html` and `customers/customer_list.html#results`.
    """

    htmx_partial: str | None = None

    def get_template_names(self) -> list[str]:
        names = super().get_template_names()
        if self.htmx_partial and self._is_fragment_request():
            return [f"{name}#{self.htmx_partial}" for name in names]
        return names

    def _is_fragment_request(self) -> bool:
        htmx = getattr(self.request, "htmx", None)
        return bool(htmx) and not htmx.boosted and not htmx.history_restore_request

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        patch_vary_headers(response, ("HX-Request",))
        return response


class CrmPermissionMixin(LoginRequiredMixin, PermissionRequiredMixin):
    """Log-in first, then model permissions; anonymous users go to the log-in page."""

    raise_exception = False

    def handle_no_permission(self):
        if self.request.user.is_authenticated:
            self.raise_exception = True
        return super().handle_no_permission()


def add_service_errors(form, error) -> None:
    """Show a service's ValidationError on the form: on its field when the form has one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
