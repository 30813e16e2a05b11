"""The shipped default template and the department's register details, so the Office can edit them at once."""

from django.db import migrations


def create_defaults(apps, schema_editor):
    from certificates.defaults import (
        DEFAULT_TEMPLATE_NAME,
        REGISTER_DEFAULTS,
        default_template_css,
        default_template_html,
    )

    template_model = apps.get_model("certificates", "CertificateTemplate")
    settings_model = apps.get_model("certificates", "RegisterSettings")
    if not template_model.objects.filter(is_default=True).exists():
        template_model.objects.get_or_create(
            name=DEFAULT_TEMPLATE_NAME,
            defaults={"html": default_template_html(), "css": default_template_css(), "is_default": True},
        )
    if not settings_model.objects.exists():
        settings_model.objects.create(pk=1, **REGISTER_DEFAULTS)


class Migration(migrations.Migration):
    dependencies = [("certificates", "0001_register")]

    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
