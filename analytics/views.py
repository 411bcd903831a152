"""The dashboards: overview, sales and customers, the drill-down list of computed customer
groups, and the refresh button. Figures come cached (analytics.dashboard); a page renders
them with links to the records behind every number, or sends one table as CSV."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView, View

from analytics import dashboard
from analytics.dashboard import present
from analytics.dashboard.tables import Links, csv_response, link_downloads
from analytics.forms import DashboardFilterForm, ExportForm, RefreshForm, SelectionForm
from analytics.periods import PRESETS
from crm import access, caching
from crm.mixins import CrmPermissionMixin
from customers import selectors

PRESENTERS = {"overview": present.overview, "sales": present.sales,
              "customers": present.customers}
# Where the refresh form's CSRF token goes in a cached body.
CSRF_SLOT = "<!-- csrf-token -->"
# What stands for the request's CSRF token in a cached page: each response puts its own there.
PAGE_TOKEN = "csrf-token-of-this-request"
PAGE_CSRF_INPUT = format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">',
                              PAGE_TOKEN)


def filter_form(request, data) -> DashboardFilterForm:
    user = request.user
    return DashboardFilterForm(
        data, user=user, today=timezone.localdate(),
        owners=selectors.owner_choices() if user.sees_all_records else (),
    )


class DashboardMixin(CrmPermissionMixin):
    permission_required = "analytics.view_dashboard"
    page = ""
    title = ""

    def scope_context(self, form: DashboardFilterForm) -> dict:
        """The form, the scope, and what the top of every dashboard page shows around its
        figures (`header`: the filters, the scope in words, the tabs, the refresh form)."""
        shown = form.shown()
        header = {
            "title": self.title, "page": self.page, "form": form, "shown": shown,
            "dates": [(form["start"], shown["start"]), (form["end"], shown["end"])],
            "owner_field": form["owner"] if "owner" in form.fields else None,
            "cache_seconds": settings.ANALYTICS_CACHE_SECONDS,
            "cache_minutes": max(1, round(settings.ANALYTICS_CACHE_SECONDS / 60)),
        }
        context = {"form": form, "header": header}
        if form.is_valid():
            scope = form.scope()
            links = Links(scope)
            context["scope"] = scope
            header.update(
                period=scope.period,
                preset=PRESETS[scope.preset].label if scope.preset else "",
                owner_name=form.owner_name(scope),
                tabs=[(name, links.dashboard(name)) for name in dashboard.PAGES],
                refresh_fields=scope.query(),
            )
        else:
            header["tabs"] = [(name, reverse(f"analytics:{name}")) for name in dashboard.PAGES]
        return context


class DashboardPageView(DashboardMixin, TemplateView):
    """One dashboard page for the scope in the URL; `?format=csv&table=name` downloads one
    of its tables."""

    def get(self, request, *args, **kwargs):
        language, query = get_language(), request.GET.urlencode()
        exporting = "format" in request.GET
        asked = dashboard.request_key(self.page, today=timezone.localdate(), language=language,
                                      user=request.user, query=query)
        if not exporting and (scope_key := dashboard.known_scope(asked)) is not None:
            key = self.body_key(scope_key, language, query)
            if (entry := dashboard.cached_html(key)) is not None:
                return self.respond(entry["html"], cache_as=(key, entry["expires"]))
        form = filter_form(request, request.GET)
        if not form.is_valid():
            return self.respond(self.body(self.scope_context(form)))
        scope = form.scope()
        dashboard.remember_scope(asked, scope.key)
        key = self.body_key(scope.key, language, query)
        if not exporting and (entry := dashboard.cached_html(key)) is not None:
            return self.respond(entry["html"], cache_as=(key, entry["expires"]))
        context = self.scope_context(form)
        figures = dashboard.page_figures(self.page, scope)
        view = PRESENTERS[self.page](figures, scope)
        tables = link_downloads(view["tables"], scope)
        export = ExportForm(request.GET, tables=tables)
        if export.is_valid():
            table = tables[export.cleaned_data["table"]]
            return csv_response(table, filename=f"{self.page}-{table.name}-"
                                f"{scope.period.start}-{scope.period.end}.csv")
        if export["format"].data is not None:
            raise Http404("No such table.")
        context.update(view)
        context["header"]["computed_at"] = figures["computed_at"]
        entry = dashboard.keep_html(key, self.body(context), figures["computed_at"])
        return self.respond(entry["html"], cache_as=(key, entry["expires"]))

    def body_key(self, scope_key: str, language: str, query: str) -> str:
        # The page differs by language and by whether the owner filter shows, not by user.
        return dashboard.html_key(self.page, scope_key, language,
                                  self.request.user.sees_all_records, query)

    def body(self, context: dict) -> str:
        """The page below the site's header, with a slot for the CSRF token."""
        context["header"]["csrf_input"] = mark_safe(CSRF_SLOT)
        return render_to_string(f"{self.template_name}#body", self.get_context_data(**context),
                                self.request)

    def respond(self, body: str, *, cache_as: tuple[str, float] | None = None):
        """The page around `body`. With `cache_as` (the body's cache key and expiry), the
        whole page is cached for this user too, unless it shows messages (they are shown
        once). A cached page holds a stand-in for the CSRF token, replaced per response."""
        request = self.request
        token = get_token(request)
        key = None
        if cache_as is not None and not len(messages.get_messages(request)):
            body_key, expires = cache_as
            user = request.user
            # What the site's header shows: the user, their menu (permissions), the URL.
            key = dashboard.page_key(body_key, user.pk, str(user), user.is_staff,
                                     user.is_superuser, caching.generation(access.NAMESPACE),
                                     request.get_full_path())
            if (page := cache.get(key)) is not None:
                return HttpResponse(page.replace(PAGE_TOKEN, token))
        response = self.render_to_response({
            "body": mark_safe(body.replace(CSRF_SLOT, PAGE_CSRF_INPUT)), "view": self,
            "csrf_token": PAGE_TOKEN,
        })
        page = response.render().content.decode()
        if key is not None:
            dashboard.keep_page(key, page, expires)
        response.content = page.replace(PAGE_TOKEN, token)
        return response


class OverviewView(DashboardPageView):
    page = "overview"
    title = _("Overview")
    template_name = "analytics/overview.html"


class SalesView(DashboardPageView):
    page = "sales"
    title = _("Sales")
    template_name = "analytics/sales.html"


class CustomersView(DashboardPageView):
    page = "customers"
    title = _("Customers")
    template_name = "analytics/customers.html"


class RfmCustomersView(DashboardMixin, TemplateView):
    """The customers of a computed group of the period (an RFM segment, an R×F cell, a
    decile or band of customer value), those the user may see, a page at a time."""

    page = dashboard.SELECTION_PAGE
    title = _("Customers of a group")
    template_name = "analytics/rfm_customers.html"

    def get(self, request, *args, **kwargs):
        form = filter_form(request, request.GET)
        chosen = SelectionForm(request.GET)
        context = self.scope_context(form)
        context["selection_form"] = chosen
        context["header"]["selection_page"] = True
        if form.is_valid() and chosen.is_valid():
            scope, selection = context["scope"], chosen.selection()
            figures = dashboard.selection_figures(scope, selection)
            context.update(present.selection_list(
                figures, scope, selection, chosen.query(), chosen.cleaned_data.get("page"),
                selectors.customer_list(user=request.user)))
            context["header"].update(
                title=context["title"], hidden_fields=chosen.query(),
                refresh_fields={**scope.query(), **chosen.query()},
                computed_at=figures["computed_at"])
        return self.render_to_response(self.get_context_data(**context))


class DashboardRefreshView(DashboardMixin, View):
    """Forget one page's cached figures for the posted scope and go back to the page, which
    computes them afresh (never on GET: a refresh costs a full computation)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        pages = [*dashboard.PAGES, dashboard.SELECTION_PAGE]
        target = RefreshForm(request.POST, pages=pages)
        if not target.is_valid():
            return redirect("analytics:overview")
        page = target.cleaned_data["dashboard"]
        form = filter_form(request, request.POST)
        params: dict[str, str] = {}
        if form.is_valid():
            scope = form.scope()
            params = scope.query()
            selection: tuple = ()
            if page == dashboard.SELECTION_PAGE:
                chosen = SelectionForm(request.POST)
                if chosen.is_valid():
                    selection = chosen.selection()
                    params.update(chosen.query())
            if page != dashboard.SELECTION_PAGE or selection:
                dashboard.refresh(page, scope, selection)
        url = reverse(f"analytics:{page}")
        return redirect(f"{url}?{urlencode(params)}" if params else url)
