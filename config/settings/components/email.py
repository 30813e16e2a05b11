"""Email: console locally, SMTP from the environment in production."""

import environ

env = environ.Env()

EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="Lan Tỏa <lantoa@stp.dongnai.gov.vn>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
