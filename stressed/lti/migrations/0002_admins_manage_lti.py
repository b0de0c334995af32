from django.contrib.auth.management import create_permissions
from django.db import migrations

ADMINS = "Admins"
ADMIN_PERMISSIONS = [
    "view_lti_setup",
    *[f"{a}_{m}" for m in ("platform", "deployment") for a in ("add", "change", "delete", "view")],
    "view_toolkey",
    "view_ltiidentity",
    "view_contextrole",
    "view_gradepost",
    "change_gradepost",  # the admin's "send again now" action
]


def grant(apps, schema_editor):
    # Permissions are normally made after all migrations; make this app's now.
    app_config = apps.get_app_config("lti")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=ADMINS)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="lti", codename__in=ADMIN_PERMISSIONS)
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name=ADMINS):
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="lti", codename__in=ADMIN_PERMISSIONS
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("lti", "0001_initial"),
        ("core", "0001_roles"),
    ]
    operations = [migrations.RunPython(grant, revoke)]
