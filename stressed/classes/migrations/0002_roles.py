"""Instructors may create classes (classes.add_class); they see only the classes they teach.
Admins see and manage every class (view/change/delete on the three models)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

INSTRUCTORS, ADMINS = "Instructors", "Admins"
GRANTS = {
    INSTRUCTORS: ["add_class"],
    ADMINS: ["add_class"]
    + [f"{a}_{m}" for m in ("class", "membership", "assignment") for a in ("change", "delete", "view")],
}


def grant(apps, schema_editor):
    # Permissions are normally made after all migrations; make this app's now.
    app_config = apps.get_app_config("classes")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="classes", codename__in=codenames)
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name__in=GRANTS):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="classes"))


class Migration(migrations.Migration):
    dependencies = [
        ("classes", "0001_initial"),
        ("core", "0001_roles"),
    ]
    operations = [migrations.RunPython(grant, revoke)]
