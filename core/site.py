"""The site's public address (`LANTOA_SITE_URL`): what emails link to and what certificates' QR codes encode.

A certificate's PDF is rendered once and kept, so a QR code baked with a wrong address (the
development default `http://127.0.0.1:8000`, a plain-http host) is wrong for good. With the
production settings (`LANTOA_SITE_URL_REQUIRED`), issuing is refused until the address is an
https URL of a real host; `manage.py check --deploy` reports the same problem (`certificates.apps`).
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}


def site_url_problem(url: str | None) -> str | None:
    """Why `url` cannot be printed on a certificate (unset, not https, a loopback host); None when it can."""
    if not url or not url.strip():
        return _("LANTOA_SITE_URL is not set.")
    parts = urlsplit(url.strip())
    if parts.scheme != "https":
        return _("LANTOA_SITE_URL (%(url)s) is not an https address.") % {"url": url}
    host = (parts.hostname or "").rstrip(".").lower()
    if not host:
        return _("LANTOA_SITE_URL (%(url)s) has no host name.") % {"url": url}
    if host in LOOPBACK_NAMES or host.endswith(".localhost") or _is_loopback_address(host):
        return _("LANTOA_SITE_URL (%(url)s) points at this machine (loopback), not at the public site.") % {"url": url}
    return None


def _is_loopback_address(host: str) -> bool:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def site_url_problem_for_issuing() -> str | None:
    """The problem with the configured site URL when the settings require a public one (production); else None."""
    if not getattr(settings, "LANTOA_SITE_URL_REQUIRED", False):
        return None
    return site_url_problem(settings.SITE_URL)
