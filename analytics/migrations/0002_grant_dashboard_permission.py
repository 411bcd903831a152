"""Managers and sales reps open the dashboards (reps see their own customers' figures);
support staff work in the admin site and get none (SPEC §1)."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {"manager": ["view_dashboard"], "sales": ["view_dashboard"]}


def grant(apps, schema_editor):
    # Permissions are normally created after migrate; create them now so they can be granted.
    create_permissions(global_apps.get_app_config("analytics"), apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, codenames in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        perms = Permission.objects.filter(content_type__app_label="analytics",
                                          codename__in=codenames)
        missing = set(codenames) - set(perms.values_list("codename", flat=True))
        if missing:
            raise RuntimeError(f"Unknown permissions: {sorted(missing)}")
        group.permissions.add(*perms)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, codenames in GRANTS.items():
        for group in Group.objects.filter(name=group_name):
            group.permissions.remove(*Permission.objects.filter(
                content_type__app_label="analytics", codename__in=codenames))


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0001_initial"),
        ("crm", "0002_roles"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
