"""Django's `makemessages`, reading the Jinja2 templates (`.jinja`) too.

xgettext cannot read Jinja2, so each `.jinja` file is turned into a small Python file for it,
the way Django templatizes its own templates: the msgids come from Jinja2's own parser, so they
are the strings Jinja2 asks gettext for at runtime (`{% trans %}` placeholders as `%(name)s`,
a literal `%` as `%%`, `trimmed` whitespace collapsed).
"""

import os
from collections import defaultdict
from collections.abc import Iterable

from django.core.management.base import CommandError
from django.core.management.commands import makemessages
from django.template import engines
from django.template.backends.jinja2 import Jinja2
from django.utils.functional import cached_property
from jinja2.environment import Environment
from jinja2.exceptions import TemplateSyntaxError
from jinja2.ext import InternationalizationExtension, extract_from_ast

JINJA_EXTENSION = ".jinja"
DEFAULT_EXTENSIONS = ["html", "txt", "py", "jinja"]  # Django's defaults for the "django" domain, plus ours
TRANSLATOR_TAG = "Translators"  # what Django's `--add-comments=Translators` keeps

# Jinja2's gettext names → the call written for xgettext (a keyword Django passes it) and how many
# leading string arguments make the message.
CALLS = {
    "_": ("gettext", 1),
    "gettext": ("gettext", 1),
    "ngettext": ("ngettext", 2),
    "pgettext": ("pgettext", 2),
    "npgettext": ("npgettext", 3),
}


def jinja_environment_default() -> Environment:
    """Parses like the runtime environment (config/jinja2.py), which installs its callables newstyle.

    Newstyle changes the msgids: a `{% trans %}` block keeps `%%` for a literal `%` even without
    variables, because the runtime always formats the translation.
    """
    environment = Environment(extensions=["jinja2.ext.i18n"])  # noqa: S701 - parsed only, never rendered
    environment.install_null_translations(newstyle=True)
    return environment


def jinja_to_python(source: str, *, environment: Environment) -> str:
    """One gettext-family call per message, on the template's own line, for xgettext's Python parser."""
    calls: dict[int, list[str]] = defaultdict(list)
    for lineno, function, message in extract_from_ast(environment.parse(source), babel_style=True):
        name, arity = CALLS[function]
        literals = (message if isinstance(message, tuple) else (message,))[:arity]
        # A variable in place of a literal (`_(label)`) is looked up at runtime: nothing to extract.
        if len(literals) < arity or not all(isinstance(literal, str) for literal in literals):
            continue
        count = ", n" if name in ("ngettext", "npgettext") else ""
        calls[lineno].append(f"{name}({', '.join(map(repr, literals))}{count})")
    comments = _translator_comments(environment.lex(environment.preprocess(source)))

    lines = []
    for lineno in range(1, max([*calls, *comments], default=0) + 1):
        line = "; ".join(calls.get(lineno, []))
        if lineno in comments:
            line = f"{line}  # {comments[lineno]}" if line else f"# {comments[lineno]}"
        lines.append(line)
    return "\n".join(lines) + "\n"


def _translator_comments(tokens: Iterable[tuple[int, str, str]]) -> dict[int, str]:
    """`{# Translators: … #}` texts, on one line each, keyed by the line to write them on.

    xgettext gives a comment to the first call after it, and a Python comment runs to the end of its
    line. So a comment that ends its template line goes on that line (after any calls already there:
    they come before it); one followed by more on its line (`{# Translators: … #}{{ _("…") }}`) goes
    on the line before, since the call it describes is on its own line.
    """
    tokens = list(tokens)
    found: dict[int, list[str]] = defaultdict(list)
    for index, (lineno, kind, value) in enumerate(tokens):
        text = " ".join(value.split())
        if kind not in ("comment", "linecomment") or not text.startswith(TRANSLATOR_TAG):
            continue
        end_line = tokens[index + 1][0] if index + 1 < len(tokens) else lineno
        following = tokens[index + 2] if index + 2 < len(tokens) else None
        ends_its_line = (
            following is None
            or following[0] > end_line
            or (following[1] == "data" and "\n" in following[2] and not following[2].split("\n", 1)[0].strip())
        )
        line = end_line if ends_its_line else end_line - 1
        if line >= 1:  # a comment before a call on line 1 has nowhere to go
            found[line].append(text)
    return {line: " ".join(texts) for line, texts in found.items()}


class BuildFile(makemessages.BuildFile):
    """A `.jinja` file is templatized (worked on as `<name>.jinja.py`) like Django's own templates."""

    @cached_property
    def is_jinja(self) -> bool:
        return self.domain == "django" and os.path.splitext(self.translatable.file)[1] == JINJA_EXTENSION

    def preprocess(self) -> None:
        if not self.is_jinja:
            super().preprocess()
            return
        with open(self.path, encoding="utf-8") as fp:
            source = fp.read()
        try:
            content = jinja_to_python(source, environment=self.command.jinja_environment)
        except TemplateSyntaxError as error:
            raise CommandError(
                f"{os.path.normpath(self.path)}:{error.lineno}: Jinja2 syntax error: {error.message or error}"
            ) from error
        with open(self.work_path, "w", encoding="utf-8") as fp:
            fp.write(content)


class Command(makemessages.Command):
    build_file_class = BuildFile

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        for action in parser._actions:
            if action.dest == "extensions":
                action.help = action.help.replace('"html,txt,py"', '"html,txt,py,jinja"')

    def handle(self, *args, **options) -> None:
        # Django applies its defaults in handle() too, only when no -e is given.
        if options["domain"] == "django" and not options["extensions"]:
            options["extensions"] = DEFAULT_EXTENSIONS
        super().handle(*args, **options)

    @cached_property
    def jinja_environment(self) -> Environment:
        """The project's own Jinja2 environment when one is configured, so that its extensions, its
        delimiters and whitespace options and its `ext.i18n.trimmed` policy shape the msgids as they
        do at runtime; else one set up the way config/jinja2.py sets it up."""
        if self.settings_available:
            for engine in engines.all():
                if isinstance(engine, Jinja2) and any(
                    isinstance(extension, InternationalizationExtension) for extension in engine.env.extensions.values()
                ):
                    return engine.env
        return jinja_environment_default()
