"""The semiannual report moved here from the reports app, keeping its table `reports_semiannualreport`.

The model joins this app's state only (the reports app's 0004 left it); the table is not
touched. Its content type is relabelled, so the admin's permissions and log entries for
it (which point at the content type) follow the model to this app.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def _relabel(apps, schema_editor, *, old: str, new: str) -> None:
    content_types = apps.get_model("contenttypes", "ContentType").objects.db_manager(schema_editor.connection.alias)
    if not content_types.filter(app_label=new, model="semiannualreport").exists():
        content_types.filter(app_label=old, model="semiannualreport").update(app_label=new)
    content_types.clear_cache()


def move_content_type(apps, schema_editor):
    _relabel(apps, schema_editor, old="reports", new="semiannual")


def move_content_type_back(apps, schema_editor):
    _relabel(apps, schema_editor, old="semiannual", new="reports")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('courses', '0003_completion_attempt_completion_attendance_and_more'),
        ('reports', '0004_move_semiannual_and_publication'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='SemiannualReport',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('period_end', models.DateField(verbose_name='figures as of')),
                        ('period_end_reason', models.TextField(blank=True, help_text='Needed only when the figures are not counted on 15/6 or 15/12.', verbose_name='reason for another reporting date')),
                        ('year', models.PositiveSmallIntegerField(editable=False, verbose_name='year')),
                        ('number', models.PositiveIntegerField(verbose_name='number')),
                        ('document_date', models.DateField(verbose_name='document date')),
                        ('subject', models.CharField(max_length=500, verbose_name='subject')),
                        ('opening', models.TextField(verbose_name='opening paragraph')),
                        ('results_summary', models.TextField(blank=True, verbose_name='results')),
                        ('limitations', models.TextField(blank=True, verbose_name='limitations and difficulties')),
                        ('next_tasks', models.TextField(blank=True, verbose_name='tasks for the next period')),
                        ('proposals', models.TextField(blank=True, verbose_name='proposals')),
                        ('recipients', models.TextField(help_text='One per line, as printed under “Nơi nhận:”.', verbose_name='recipients')),
                        ('signer_title', models.CharField(help_text='One line per printed line, e.g. “KT. GIÁM ĐỐC” then “PHÓ GIÁM ĐỐC”.', max_length=150, verbose_name="signer's title")),
                        ('signer_name', models.CharField(max_length=150, verbose_name="signer's name")),
                        ('status', models.CharField(choices=[('draft', 'Draft'), ('issued', 'Issued')], default='draft', max_length=16, verbose_name='status')),
                        ('pdf', models.FileField(blank=True, upload_to='reports/semiannual/', verbose_name='PDF')),
                        ('pdf_sha256', models.CharField(blank=True, max_length=64, verbose_name='PDF SHA-256')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                        ('issued_at', models.DateTimeField(blank=True, null=True, verbose_name='issued at')),
                        ('assignment', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='semiannual_reports', to='courses.assignment', verbose_name='assignment')),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by')),
                        ('issued_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='issued by')),
                        ('previous', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='next_reports', to='semiannual.semiannualreport', verbose_name='previous report')),
                        ('snapshot', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='semiannual_reports', to='reports.coveragesnapshot', verbose_name='snapshot')),
                    ],
                    options={
                        'verbose_name': 'semiannual report',
                        'verbose_name_plural': 'semiannual reports',
                        'db_table': 'reports_semiannualreport',
                        'ordering': ['-period_end', '-year', '-number'],
                        'constraints': [models.UniqueConstraint(fields=('year', 'number'), name='semiannual_report_number_per_year'), models.CheckConstraint(condition=models.Q(('status', 'draft'), models.Q(('snapshot__isnull', False), models.Q(('pdf', ''), _negated=True), models.Q(('pdf_sha256', ''), _negated=True)), _connector='OR'), name='semiannual_report_issued_is_frozen')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
