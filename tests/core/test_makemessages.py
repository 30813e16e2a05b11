"""`makemessages` reads the Jinja2 templates, with the msgids Jinja2 looks up at runtime.

Each test runs the real command (xgettext, msguniq, msgmerge) in a temporary project; the `.po`
is read with the small parser below (no polib in the requirements).
"""

import ast
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.template import engines
from jinja2.ext import InternationalizationExtension

from config.jinja2 import environment as project_environment
from core.management.commands.makemessages import Command

TEMPLATE = Path("jinja2") / "courses" / "page.jinja"
# Line numbers matter: the expected locations below point at them.
TEMPLATE_SOURCE = """\
{# Not for translators: left out of the catalogue. #}
<h1>{{ _("Khóa học của tôi") }}</h1>
{# Translators: the quiz's title follows the colon #}
<p>{% trans title=quiz.title %}Quiz: {{ title }} (100% online){% endtrans %}</p>
{% trans trimmed count=quizzes|length %}
  You have {{ count }} quiz
  left.
{% pluralize %}
  You have {{ count }} quizzes
  left.
{% endtrans %}
{# Translators: the link back to the list #}<a>{{ pgettext("navigation", "Back") }}</a> {{ _(label) }}
<p>{% trans %}100% done{% endtrans %}</p>
{{ _("Tab\\there \\"quoted\\" 'single' \\\\ backslash") }} {{ gettext("Second on the line") }}
{{ ngettext("%(num)d answer", "%(num)d answers", answers) }}
"""
CONTEXT = {"quiz": {"title": "Luật"}, "quizzes": [1, 2], "label": "dynamic", "answers": 3}

# (msgctxt, msgid) → (msgid_plural, locations, translator comments)
EXPECTED = {
    (None, "Khóa học của tôi"): (None, ["jinja2/courses/page.jinja:2"], []),
    (None, "Quiz: %(title)s (100%% online)"): (
        None,
        ["jinja2/courses/page.jinja:4"],
        ["Translators: the quiz's title follows the colon"],
    ),
    (None, "You have %(count)s quiz left."): ("You have %(count)s quizzes left.", ["jinja2/courses/page.jinja:5"], []),
    ("navigation", "Back"): (None, ["jinja2/courses/page.jinja:12"], ["Translators: the link back to the list"]),
    # Newstyle gettext always formats the translation, so a `%` is doubled even without variables.
    (None, "100%% done"): (None, ["jinja2/courses/page.jinja:13"], []),
    (None, "Tab\there \"quoted\" 'single' \\ backslash"): (None, ["jinja2/courses/page.jinja:14"], []),
    (None, "Second on the line"): (None, ["jinja2/courses/page.jinja:14"], []),
    (None, "%(num)d answer"): ("%(num)d answers", ["jinja2/courses/page.jinja:15"], []),
    (None, "From Python"): (None, ["view.py:3"], []),
    (None, "From a Django template"): (None, ["templates/page.html:2"], []),
}


def read_po(path: Path) -> dict[tuple[str | None, str], dict]:
    """Entries by (msgctxt, msgid), with their msgid_plural, locations and translator comments."""
    entries = {}
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        entry = {"msgctxt": None, "msgid": None, "msgid_plural": None, "locations": [], "comments": []}
        field = None
        for line in block.splitlines():
            if line.startswith("#:"):
                entry["locations"] += line[2:].split()
            elif line.startswith("#."):
                entry["comments"].append(line[2:].strip())
            elif line.startswith('"') and field:
                entry[field] += ast.literal_eval(line)  # a PO string is a C string: same escapes as Python's
            elif line.split(" ", 1)[0] in ("msgctxt", "msgid", "msgid_plural"):
                field, literal = line.split(" ", 1)
                entry[field] = ast.literal_eval(literal)
            else:
                field = None  # msgstr, flags
        if entry["msgid"]:
            entries[entry["msgctxt"], entry["msgid"]] = entry
    return entries


@pytest.fixture
def project(tmp_path, monkeypatch, settings):
    settings.LOCALE_PATHS = []  # the temporary project's own locale/, never the real one
    (tmp_path / "locale").mkdir()
    (tmp_path / TEMPLATE).parent.mkdir(parents=True)
    (tmp_path / TEMPLATE).write_text(TEMPLATE_SOURCE, encoding="utf-8")
    (tmp_path / "view.py").write_text(
        'from django.utils.translation import gettext\n\ngettext("From Python")\n', encoding="utf-8"
    )
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "page.html").write_text(
        '{% load i18n %}\n<p>{% translate "From a Django template" %}</p>\n', encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _django_templates_only(settings) -> None:
    settings.TEMPLATES = [engine for engine in settings.TEMPLATES if engine["BACKEND"].endswith(".DjangoTemplates")]


@pytest.mark.parametrize("jinja2_engine", ["project", "none"])
def test_jinja_templates_are_extracted_by_default(project, settings, jinja2_engine):
    if jinja2_engine == "none":  # the command's own environment must parse as config/jinja2.py's does
        _django_templates_only(settings)

    call_command("makemessages", locale=["xx"], verbosity=0)

    entries = read_po(project / "locale" / "xx" / "LC_MESSAGES" / "django.po")
    found = {key: (entry["msgid_plural"], entry["locations"], entry["comments"]) for key, entry in entries.items()}
    assert found == EXPECTED
    assert not list(project.rglob("*.jinja.py"))  # the work files are gone


def test_the_msgids_are_what_jinja2_looks_up():
    environment = project_environment()
    looked_up = set()

    def gettext(message):
        looked_up.add((None, message))
        return message

    def ngettext(singular, plural, number):
        looked_up.add((None, singular))
        return singular if number == 1 else plural

    def pgettext(context, message):
        looked_up.add((context, message))
        return message

    environment.install_gettext_callables(gettext, ngettext, newstyle=True)
    environment.globals["pgettext"] = pgettext  # as config/jinja2.py installs Django's
    environment.from_string(TEMPLATE_SOURCE).render(CONTEXT)

    jinja_msgids = {key for key, (_plural, locations, _comments) in EXPECTED.items() if ".jinja:" in locations[0]}
    assert looked_up == jinja_msgids | {(None, "dynamic")}


def test_extensions_given_replace_the_defaults(project):
    call_command("makemessages", locale=["xx"], extensions=["py"], verbosity=0)

    entries = read_po(project / "locale" / "xx" / "LC_MESSAGES" / "django.po")
    assert list(entries) == [(None, "From Python")]


def test_a_jinja_syntax_error_stops_with_the_file_and_line(project):
    # After jinja2/courses/page.jinja in the command's order, so that one's work file exists by then.
    (project / "jinja2" / "quizzes").mkdir()
    (project / "jinja2" / "quizzes" / "broken.jinja").write_text('{{ _("Fine") }}\n\n{% endfor %}\n', encoding="utf-8")

    with pytest.raises(CommandError, match=r"jinja2/quizzes/broken\.jinja:3: Jinja2 syntax error: .*'endfor'"):
        call_command("makemessages", locale=["xx"], verbosity=0)

    assert not (project / "locale" / "xx").exists()
    assert not list(project.rglob("*.jinja.py"))  # page.jinja.py, written before, is cleaned up


def test_the_project_jinja2_environment_is_the_one_parsed_with(settings):
    # An engine without the i18n extension (it could not render `{% trans %}`) is passed over.
    plain = {"BACKEND": "django.template.backends.jinja2.Jinja2", "NAME": "plain", "DIRS": [], "APP_DIRS": False}
    settings.TEMPLATES = [plain, *settings.TEMPLATES]
    assert Command().jinja_environment is engines["jinja2"].env

    _django_templates_only(settings)
    environment = Command().jinja_environment
    assert environment.newstyle_gettext is True
    assert any(isinstance(extension, InternationalizationExtension) for extension in environment.extensions.values())
