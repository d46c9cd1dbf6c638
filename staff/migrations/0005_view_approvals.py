"""Both staff groups see approved transactions, as the README says staff do: only superusers
could."""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

GROUPS = ["Borgerservice", "Support"]


def grant(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    # Django makes permissions after all migrations have run (post_migrate): made here, as the
    # groups' migration does; post_migrate then finds it there.
    content_type, _ = ContentType.objects.get_or_create(
        app_label="relying_parties", model="approval"
    )
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename="view_approval",
        defaults={"name": "Can view approved transaction"},
    )
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.add(permission)


def revoke(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="relying_parties", codename="view_approval"
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("staff", "0004_desk_permission"),
        ("relying_parties", "0001_initial"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
