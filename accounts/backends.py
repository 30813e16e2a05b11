"""Django's and allauth's authentication backends, with the signed-in user read together with the navigation's flag.

`get_user` runs on every signed-in request, and the navigation then asks on every page whether the
person heads an active unit. `accounts.selectors.user_get_for_request` answers both in one query
(the flag annotated on the user through the account's relations) instead of two; the rest (the
active check here, the session hash check in `django.contrib.auth.get_user`) is Django's and allauth's.
The dotted paths are the ones sessions record, so they stay as they are.
"""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend

from .selectors import user_get_for_request


class _UserWithNavigationFlag:
    def get_user(self, user_id):
        user = user_get_for_request(user_id=user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class ModelBackend(_UserWithNavigationFlag, DjangoModelBackend):
    pass


class AuthenticationBackend(_UserWithNavigationFlag, AllauthBackend):
    pass
