"""Grant the customers app's permissions to the role groups (SPEC §1)."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "sales": [
        "view_customer", "add_customer", "change_customer", "delete_customer",
        "view_tag", "add_tag", "view_product", "view_purchase", "add_purchase",
    ],
    "support": ["view_customer", "view_tag", "view_product", "view_purchase"],
    "manager": [
        "view_customer", "add_customer", "change_customer", "delete_customer",
        "reassign_customer", "restore_customer",
        "view_tag", "add_tag", "change_tag", "delete_tag",
        "view_product", "add_product", "change_product", "delete_product",
        "view_purchase", "add_purchase",
    ],
}


def grant(apps, schema_editor):
    # Permissions are normally created after migrate; create them now so they can be granted.
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
    for group in Group.objects.filter(name__in=GRANTS):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="customers"))


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0001_initial"),
        ("crm", "0002_roles"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
