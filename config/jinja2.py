"""The Jinja2 environment of the learner pages (templates in `jinja2/`, named `*.jinja`).

The pages every civil servant loads in a loop (my courses, a lesson, the quiz start page, the
attempt, the result) are rendered by Jinja2, which compiles a template to Python: on these pages
it takes about a third of the Django template language's time (`benchmarks/page_cpu.py`). All
other pages, the admin and allauth's keep the Django template language; both share the site's
header and footer, which are Jinja2 partials (`templates/base.html` renders them through
`core.templatetags.jinja_shell`).

What the Django template language gave those pages for free is provided here, with the same
behaviour: autoescaping (Django's Jinja2 backend turns it on; Django's `SafeString` is honoured
through its `__html__`), Django's translations (the i18n extension with Django's own `gettext`
and `ngettext`, "newstyle" so that `{% trans %}` blocks escape their variables and give the
same message ids as `{% blocktranslate %}`; `manage.py makemessages` extracts them, see
`core/management/commands/makemessages.py`), localized output of numbers and dates, and
Django's `date`, `time` (in the current time zone), `floatformat` and `linebreaksbr` filters.
"""

from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal

from django.conf import settings
from django.template import defaultfilters
from django.templatetags.static import static as django_static
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import formats, translation
from django.utils.timezone import template_localtime
from jinja2 import Environment

from courses.templatetags.lesson_tags import scrollable_tables
from quizzes.templatetags.quiz_tags import quiz_choices

_LOCALIZED = (float, Decimal, dt.date, dt.time)  # datetime is a date


def _finalize(value: object) -> object:
    """Print what `{{ }}` prints, localized as the Django template language prints it."""
    if isinstance(value, _LOCALIZED):
        return formats.localize(template_localtime(value))
    return value


def date(value: object, arg: str | None = None) -> str:
    """Django's `date` filter on the value in the current time zone, as the Django template language
    gives it to its filters (`template_localtime`)."""
    return defaultfilters.date(template_localtime(value), arg)


def time(value: object, arg: str | None = None) -> str:
    """Django's `time` filter, on the value in the current time zone (see `date`)."""
    return defaultfilters.time(template_localtime(value), arg)


@functools.lru_cache(maxsize=4096)
def _reverse(prefix: str, urlconf: str | None, name: str, args: tuple) -> str:
    return reverse(name, args=args, urlconf=urlconf)


def url(name: str, *args: object) -> str:
    """`reverse(name, args=args)`, remembered: a URL depends only on its name, its arguments,
    the URLconf and the script prefix, and the navigation alone reverses eight on every page."""
    return _reverse(get_script_prefix(), get_urlconf(), name, args)


@functools.lru_cache(maxsize=256)
def static(path: str) -> str:
    """The URL of a static file (the manifest's hashed name in production), remembered per process."""
    return django_static(path)


def available_languages() -> list[tuple[str, str]]:
    """What `{% get_available_languages %}` gives: each language's code and its name in the active one."""
    return [(code, translation.gettext(name)) for code, name in settings.LANGUAGES]


def environment(**options) -> Environment:
    # Django's backend asks for autoescaping already; stated here too: every Jinja2 page relies on it.
    env = Environment(
        extensions=["jinja2.ext.i18n"],
        finalize=_finalize,
        autoescape=True,
        **{key: value for key, value in options.items() if key != "autoescape"},
    )
    # Newstyle: `{% trans %}` blocks pass their variables to the callables, which escape them.
    env.install_gettext_callables(
        translation.gettext,
        translation.ngettext,
        newstyle=True,
        pgettext=translation.pgettext,
        npgettext=translation.npgettext,
    )
    env.globals.update(
        url=url,
        static=static,
        get_current_language=translation.get_language,
        available_languages=available_languages,
        quiz_choices=quiz_choices,
    )
    env.filters.update(
        date=date,
        time=time,
        floatformat=defaultfilters.floatformat,
        linebreaksbr=functools.partial(defaultfilters.linebreaksbr, autoescape=True),
        scrollable_tables=scrollable_tables,
    )
    return env
