"""The site's header and footer on Django template pages: the Jinja2 partials the Jinja2 pages include.

One copy of the navigation's markup and of its role rules for both template engines
(`jinja2/components/_site_header.jinja`, `_site_footer.jinja`; see config/jinja2.py).
"""

from django import template
from django.contrib.auth.models import AnonymousUser
from django.template import engines
from django.utils.safestring import SafeString, mark_safe

from core.context_processors import csrf_hidden_input

register = template.Library()


def _render(name: str, context: template.Context) -> SafeString:
    # The page's own context processors have already given what the partials read (the user, the role
    # flags, the section, the CSRF token, masked once for the page): passed on, not worked out again.
    # "NOTPROVIDED" is what Django's `csrf` processor gives without a token; `{% csrf_token %}` prints nothing then.
    token = context.get("csrf_token")
    html = (
        engines["jinja2"]
        .get_template(name)
        .template.render(
            request=context.get("request"),
            user=context.get("user") or AnonymousUser(),
            roles=context.get("roles"),
            nav_section=context.get("nav_section", ""),
            csrf_input=csrf_hidden_input(token) if token and token != "NOTPROVIDED" else "",  # noqa: S105
        )
    )
    return mark_safe(html)  # noqa: S308 - rendered by the autoescaping Jinja2 environment


@register.simple_tag(takes_context=True)
def site_header(context: template.Context) -> SafeString:
    return _render("components/_site_header.jinja", context)


@register.simple_tag(takes_context=True)
def site_footer(context: template.Context) -> SafeString:
    return _render("components/_site_footer.jinja", context)
