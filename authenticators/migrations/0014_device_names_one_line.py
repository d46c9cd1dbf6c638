"""The names phones gave themselves before `authenticators.names.device_name` cleaned them: a
line break in one made every e-mail about the device unsendable."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

from authenticators.names import device_name


def clean_names(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    AppDevice = apps.get_model("authenticators", "AppDevice")
    for device in AppDevice.objects.only("pk", "name").iterator():
        cleaned = device_name(device.name, default="MitID app")
        if cleaned != device.name:
            AppDevice.objects.filter(pk=device.pk).update(name=cleaned)


class Migration(migrations.Migration):
    dependencies = [("authenticators", "0013_mobile_to_prove")]

    operations = [migrations.RunPython(clean_names, migrations.RunPython.noop, elidable=True)]
