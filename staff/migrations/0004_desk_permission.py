"""Borgerservice creates MitID at the desk (issue 16); Support, on the phone, does not."""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

CODENAME = "create_at_desk"


def grant(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    content_type, _ = ContentType.objects.get_or_create(app_label="staff", model="staffaction")
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename=CODENAME,
        defaults={"name": "Can create MitID at the Borgerservice desk"},
    )
    for group in Group.objects.filter(name="Borgerservice"):
        group.permissions.add(permission)


def revoke(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.filter(content_type__app_label="staff", codename=CODENAME).delete()


class Migration(migrations.Migration):
    dependencies = [("staff", "0003_alter_staffaction_options")]

    operations = [migrations.RunPython(grant, revoke)]
