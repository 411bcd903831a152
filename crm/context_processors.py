from crm.navigation import nav_items_for


def navigation(request):
    match = getattr(request, "resolver_match", None)
    return {"nav_items": nav_items_for(getattr(request, "user", None), match.view_name if match else "")}
