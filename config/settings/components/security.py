"""Response headers every page gets: the Content-Security-Policy (django-csp 4) and private caching.

Scripts come only from our own static files: no inline script, no event-handler attribute, no eval
(the templates have none; htmx's own indicator <style> is turned off in base.html's htmx-config).
Styles keep 'unsafe-inline' for now: the admin and the inline SVG charts use style attributes, which
cannot run code. Images may come from https (lesson bodies may show pictures from other sites of the
intranet). Nothing may frame the site.
"""

from csp.constants import NONE, SELF

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:", "https:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "media-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
