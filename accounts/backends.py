"""Authentication backends: Django's and allauth's, with the signed-in user read in one plain statement.

`get_user` runs on every signed-in request. The ORM's `User.objects.get(pk=...)` spent more
CPU building and compiling its query than the database spent answering it, and the navigation
then asked a second query (does this person head an active unit?). `accounts.selectors.
user_get_for_request` reads both at once; the rest (the active check, the session hash check
done by `django.contrib.auth.get_user`) is unchanged.
"""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend

from .selectors import user_get_for_request


class _OneStatementUser:
    def get_user(self, user_id):
        user = user_get_for_request(user_id=user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class ModelBackend(_OneStatementUser, DjangoModelBackend):
    pass


class AuthenticationBackend(_OneStatementUser, AllauthBackend):
    pass
