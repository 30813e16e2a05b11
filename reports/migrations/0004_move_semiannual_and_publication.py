"""SemiannualReport and Publication moved to their own apps (semiannual, publication).

State only: the tables keep their names (the models set `db_table`), so nothing changes in
the database. The new apps' first migrations add the models back to the state.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0003_semiannualreport"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name="semiannualreport",
                    name="assignment",
                ),
                migrations.RemoveField(
                    model_name="semiannualreport",
                    name="created_by",
                ),
                migrations.RemoveField(
                    model_name="semiannualreport",
                    name="issued_by",
                ),
                migrations.RemoveField(
                    model_name="semiannualreport",
                    name="previous",
                ),
                migrations.RemoveField(
                    model_name="semiannualreport",
                    name="snapshot",
                ),
                migrations.DeleteModel(
                    name="Publication",
                ),
                migrations.DeleteModel(
                    name="SemiannualReport",
                ),
            ],
            database_operations=[],
        ),
    ]
