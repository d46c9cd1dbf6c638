"""The staff group "Translators": it may edit the catalogues (translations.access)."""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

GROUP = "Translators"
PERMISSION = "edit_catalogues"


def create_group(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    # Django makes permissions after all migrations have run (post_migrate): make this one now,
    # as the group needs it; post_migrate then finds it there.
    content_type, _ = ContentType.objects.get_or_create(app_label="translations", model="catalogue")
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename=PERMISSION,
        defaults={"name": "Can edit the translation catalogues"},
    )
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(permission)


def remove_group(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("translations", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
