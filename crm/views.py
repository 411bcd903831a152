"""Project-level pages: the landing redirect and the health check."""

from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from crm.navigation import nav_items_for


@login_required
def home(request):
    """Send the user to the first area their role may use."""
    items = nav_items_for(request.user)
    if items:
        return redirect(items[0]["url"])
    if request.user.is_staff:
        return redirect("admin:index")
    return redirect("password_change")


@require_GET
@never_cache
def healthz(request):
    """200 when the database answers a query, 503 otherwise (for load balancers)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


@login_required
@never_cache
def ping(request):
    """The smallest signed-in page: keeps a session alive, and is the benchmarks' baseline."""
    return HttpResponse(status=204)
