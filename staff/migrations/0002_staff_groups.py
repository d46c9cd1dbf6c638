"""The staff groups "Borgerservice" and "Support" and what each may see and do.

Borgerservice meets the citizen in person: it may also unblock, revoke, lift a block, raise to
High (each after an ID check) and move device orders and appointment times on. Support works
on the phone: it may look and block, never unblock or raise.
"""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

VIEW = [
    ("authenticators", "identity"),
    ("authenticators", "appdevice"),
    ("authenticators", "codedevice"),
    ("authenticators", "chipdevice"),
    ("authenticators", "hardwaretoken"),
    ("authenticators", "authenticatorevent"),
    ("cpr", "registeredperson"),
    ("enrollment", "deviceorder"),
    ("enrollment", "appointmentslot"),
    ("enrollment", "office"),
    ("enrollment", "enrollmentcase"),
    ("audit", "auditentry"),
]

STAFF_ACTIONS = {
    "block_authenticator": "Can block an authenticator",
    "unblock_authenticator": "Can unblock an authenticator after an ID check",
    "revoke_authenticator": "Can revoke an authenticator for ever",
    "block_identity": "Can block a whole MitID",
    "lift_identity_block": "Can lift the block of a MitID after an ID check",
    "raise_level": "Can raise a MitID to level High after an ID check",
}

GROUPS = {
    "Borgerservice": {
        "view": VIEW,
        "change": [("enrollment", "deviceorder"), ("enrollment", "appointmentslot")],
        "add": [("enrollment", "appointmentslot")],
        "staff": list(STAFF_ACTIONS),
    },
    "Support": {
        "view": VIEW,
        "change": [],
        "add": [],
        "staff": ["block_authenticator", "block_identity"],
    },
}


def create_groups(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")

    # Django makes permissions after all migrations have run (post_migrate): make the ones
    # the groups need now; post_migrate then finds them there.
    def permission(app_label: str, model: str, codename: str, name: str) -> object:
        content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
        found, _ = Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": name}
        )
        return found

    for group_name, grants in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        for verb in ("view", "change", "add"):
            for app_label, model in grants[verb]:
                group.permissions.add(
                    permission(app_label, model, f"{verb}_{model}", f"Can {verb} {model}")
                )
        for codename in grants["staff"]:
            group.permissions.add(
                permission("staff", "staffaction", codename, STAFF_ACTIONS[codename])
            )


def remove_groups(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    apps.get_model("auth", "Group").objects.filter(name__in=list(GROUPS)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("staff", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
