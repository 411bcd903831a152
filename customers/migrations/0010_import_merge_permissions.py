"""Managers import files through the browser and merge duplicate customers (SPEC §1)."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {"manager": ["add_importjob", "view_importjob", "merge_customer", "view_customermerge"]}


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
    dependencies = [("customers", "0009_import_jobs_and_merges")]

    operations = [migrations.RunPython(grant, revoke)]
