"""No two periods of a person's memberships, or of a unit's versions, share a day.

PostgreSQL enforces it with exclusion constraints over `daterange(valid_from, valid_to, '[]')`
(GiST, `btree_gist` for the equality on the owner). They are added here and not declared in
the models' Meta, because SQLite (the embedded default) would be asked to create them too;
on SQLite `orgchart.periods.periods_check_no_overlap` checks the same in every writer.

Before adding them, existing data is checked on every database: when overlaps exist, the
migration stops and lists them, so that the Office corrects the records first.
"""

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateRangeField, RangeOperators
from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations
from django.db.models import Func, Value

from orgchart.periods import overlaps_in


class InclusiveDateRange(Func):
    function = "DATERANGE"
    output_field = DateRangeField()


def _constraints():
    period = InclusiveDateRange("valid_from", "valid_to", Value("[]"))
    return {
        "Membership": ExclusionConstraint(
            name="membership_no_overlap",
            expressions=[("staff", RangeOperators.EQUAL), (period, RangeOperators.OVERLAPS)],
        ),
        "UnitVersion": ExclusionConstraint(
            name="unitversion_no_overlap",
            expressions=[("unit", RangeOperators.EQUAL), (period, RangeOperators.OVERLAPS)],
        ),
    }


def refuse_existing_overlaps(apps, schema_editor):
    found = [
        *(f"thành viên {overlap}" for overlap in overlaps_in(
            apps.get_model("orgchart", "Membership"), owner_field="staff", owner_label="staff__code"
        )),
        *(f"đơn vị {overlap}" for overlap in overlaps_in(
            apps.get_model("orgchart", "UnitVersion"), owner_field="unit", owner_label="unit__code"
        )),
    ]
    if found:
        raise RuntimeError(
            "Dữ liệu hiện có có các khoảng thời gian trùng nhau; hãy sửa trước khi cập nhật:\n" + "\n".join(found)
        )


def add_exclusion_constraints(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, constraint in _constraints().items():
        schema_editor.add_constraint(apps.get_model("orgchart", model_name), constraint)


def remove_exclusion_constraints(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, constraint in _constraints().items():
        schema_editor.remove_constraint(apps.get_model("orgchart", model_name), constraint)


class Migration(migrations.Migration):
    dependencies = [("orgchart", "0003_dated_structure")]

    operations = [
        migrations.RunPython(refuse_existing_overlaps, migrations.RunPython.noop),
        BtreeGistExtension(),
        migrations.RunPython(add_exclusion_constraints, remove_exclusion_constraints),
    ]
