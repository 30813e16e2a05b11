"""The site's header and footer on Django template pages: the Jinja2 partials the Jinja2 pages include.

One copy of the navigation's markup and of its role rules for both template engines
(`jinja2/components/_site_header.jinja`, `_site_footer.jinja`; see config/jinja2.py).
"""

from django import template
from django.contrib.auth.models import AnonymousUser
from django.template import engines
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


def _render(name: str, context: template.Context) -> SafeString:
    request = context.get("request")
    jinja = engines["jinja2"].get_template(name)
    if request is None:  # a page rendered without a request: no one is signed in, no form can post
        html = jinja.template.render(
            request=None, user=AnonymousUser(), roles=None, nav_section="", csrf_input="", LANGUAGE_CODE=""
        )
    else:
        # Django's Jinja2 backend adds the request, its CSRF token and the context processors' values.
        html = jinja.render({}, request)
    return mark_safe(html)  # noqa: S308 - rendered by the autoescaping Jinja2 environment


@register.simple_tag(takes_context=True)
def site_header(context: template.Context) -> SafeString:
    return _render("components/_site_header.jinja", context)


@register.simple_tag(takes_context=True)
def site_footer(context: template.Context) -> SafeString:
    return _render("components/_site_footer.jinja", context)
