import datetime as dt

from django.db import migrations, models
from django.db.models import F, Q


def mark_existing(apps, schema_editor):
    """Existing enrolments: who was enrolled by the sync after the assignment was made.

    Only the sync ever gave an own due date, so those rows are. The others were enrolled with the assignment, in
    its transaction (seconds after its `created_at`), or by a later sync: an hour apart tells them apart. In
    doubt a row stays "with the assignment", which keeps the assignment's due date as it has now.
    """
    Enrolment = apps.get_model("courses", "Enrolment")
    Enrolment.objects.filter(
        Q(due_on__isnull=False) | Q(created_at__gt=F("assignment__created_at") + dt.timedelta(hours=1))
    ).update(joined_after_creation=True)


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0008_merge_stored_names"),
    ]

    operations = [
        migrations.AddField(
            model_name="enrolment",
            name="joined_after_creation",
            field=models.BooleanField(
                db_default=False, default=False, verbose_name="joined after the assignment was made"
            ),
        ),
        migrations.RunPython(mark_existing, migrations.RunPython.noop),
    ]
