import uuid

from django.db import migrations, models

import messaging.models


def give_each_message_a_key(apps, schema_editor):
    Message = apps.get_model("messaging", "Message")
    for message in Message.objects.filter(key__isnull=True).only("pk"):
        Message.objects.filter(pk=message.pk).update(key=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [("messaging", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="message",
            name="key",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.RunPython(give_each_message_a_key, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="message",
            name="key",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
        migrations.AddField(
            model_name="message",
            name="next_attempt_at",
            field=models.DateTimeField(db_index=True, default=messaging.models.first_sweep),
        ),
        migrations.AddField(
            model_name="message",
            name="sensitive",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="outboxmessage",
            name="key",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AddConstraint(
            model_name="outboxmessage",
            constraint=models.UniqueConstraint(
                condition=models.Q(("key", ""), _negated=True),
                fields=("key", "recipient"),
                name="outbox_once_per_key",
            ),
        ),
    ]
