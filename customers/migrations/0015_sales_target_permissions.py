"""Managers set monthly sales targets; reps read their own (SPEC §3)."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "manager": ["add_salestarget", "change_salestarget", "delete_salestarget",
                "view_salestarget"],
    "sales": ["view_salestarget"],
}


def grant(apps, schema_editor):
    create_permissions(global_apps.get_app_config("customers"), apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, codenames in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        perms = Permission.objects.filter(content_type__app_label="customers", codename__in=codenames)
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
                content_type__app_label="customers", codename__in=codenames))


class Migration(migrations.Migration):
    dependencies = [("customers", "0014_salestarget")]

    operations = [migrations.RunPython(grant, revoke)]
