"""The published indicators moved here from the reports app, keeping its table `reports_publication`.

The model joins this app's state only (the reports app's 0004 left it); the table is not
touched. Its content type is relabelled, so the admin's permissions and log entries for
it (which point at the content type) follow the model to this app.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def _relabel(apps, schema_editor, *, old: str, new: str) -> None:
    content_types = apps.get_model("contenttypes", "ContentType").objects.db_manager(schema_editor.connection.alias)
    if not content_types.filter(app_label=new, model="publication").exists():
        content_types.filter(app_label=old, model="publication").update(app_label=new)
    content_types.clear_cache()


def move_content_type(apps, schema_editor):
    _relabel(apps, schema_editor, old="reports", new="publication")


def move_content_type_back(apps, schema_editor):
    _relabel(apps, schema_editor, old="publication", new="reports")


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
                    name='Publication',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('as_of', models.DateField(verbose_name='reporting date')),
                        ('title', models.CharField(max_length=255, verbose_name='title')),
                        ('staff', models.PositiveIntegerField(verbose_name='people to inform')),
                        ('informed', models.PositiveIntegerField(verbose_name='informed')),
                        ('exempt', models.PositiveIntegerField(verbose_name='exempt')),
                        ('percent_informed', models.DecimalField(decimal_places=2, max_digits=5, verbose_name='percent informed')),
                        ('communications_staff', models.PositiveIntegerField(verbose_name='communications staff')),
                        ('nominated', models.PositiveIntegerField(verbose_name='nominated to specialist training')),
                        ('trained', models.PositiveIntegerField(verbose_name='trained (specialist training completed)')),
                        ('is_published', models.BooleanField(default=False, verbose_name='published')),
                        ('published_at', models.DateTimeField(blank=True, null=True, verbose_name='published at')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='prepared at')),
                        ('assignment', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='publications', to='courses.assignment', verbose_name='assignment')),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='prepared by')),
                        ('published_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='published by')),
                        ('snapshot', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='publication', to='reports.coveragesnapshot', verbose_name='snapshot')),
                    ],
                    options={
                        'verbose_name': 'published indicator',
                        'verbose_name_plural': 'published indicators',
                        'db_table': 'reports_publication',
                        'ordering': ['-as_of', 'assignment_id'],
                        'indexes': [models.Index(fields=['is_published', 'as_of'], name='publication_published_idx')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
