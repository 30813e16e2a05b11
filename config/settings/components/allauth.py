"""django-allauth: email login, password reset, invitations, TOTP, rate limits."""

import environ

env = environ.Env()

AUTHENTICATION_BACKENDS = [
    # Django's and allauth's, reading the signed-in user with the navigation's flag in one query
    # (accounts/backends.py).
    "accounts.backends.ModelBackend",
    "accounts.backends.AuthenticationBackend",
]
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_PREVENT_ENUMERATION = True
# Nobody can sign up, so a reset request for an unknown address gets no email at all
# (allauth would otherwise mail the stranger an invitation to sign up).
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Lan Tỏa] "
# How many reverse proxies in front of Django are ours (nginx: 1). The one setting for the client's
# address (core.http.client_ip): allauth's rate limits (through accounts.adapter) and /verify/'s.
LANTOA_TRUSTED_PROXY_COUNT = env.int("LANTOA_TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_PROXY_COUNT = LANTOA_TRUSTED_PROXY_COUNT

# Rate limits (allauth 65 keys; anything not listed keeps allauth's default, e.g.
# "login": 30/m/ip, "manage_email", "reauthenticate"). They live in the default cache,
# which must be shared between processes in production (Redis).
ACCOUNT_RATE_LIMITS = {
    # Failed logins: 10 a minute per IP, and 5 per 5 minutes per email address.
    "login_failed": "10/m/ip,5/5m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
}

# Two-factor login (TOTP with recovery codes) is required for the Office and
# superusers: `accounts.middleware.RequireMfaMiddleware` sends them to activation, and
# `accounts.adapter.MFAAdapter` refuses to deactivate their authenticator.
MFA_ADAPTER = "accounts.adapter.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Lan Tỏa – Sở Tư pháp Đồng Nai"
# Accept the code of the previous and next 30-second window: phones' clocks drift.
MFA_TOTP_TOLERANCE = 1
