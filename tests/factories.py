"""One factory per model. Units go through treebeard so paths are real."""

import datetime as dt

import factory
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from accounts.models import User
from orgchart.models import Membership, Staff, StaffCategory, Unit, UnitKind
from orgchart.services.staff import staff_index_fields


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@stp.dongnai.gov.vn")
    password = factory.PostGenerationMethodCall("set_password", "mat-khau-demo-2026")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def give_totp(user: User) -> str:
    """Activate TOTP for a user the way allauth does; returns the secret."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


class UnitFactory(factory.django.DjangoModelFactory):
    """`parent=None` makes a root; otherwise the unit is added under `parent`."""

    class Meta:
        model = Unit

    code = factory.Sequence(lambda n: f"U{n:04d}")
    name = factory.Sequence(lambda n: f"Phòng số {n}")
    kind = UnitKind.DIVISION
    parent = None

    @classmethod
    def _create(cls, model_class, *args, parent=None, **kwargs):
        if parent is None:
            return model_class.objects.add_root(create_kwargs=kwargs)
        return model_class.objects.add_child(parent, create_kwargs=kwargs)


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Staff

    code = factory.Sequence(lambda n: f"CB{n:05d}")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn Thử {n}")
    email = factory.Sequence(lambda n: f"staff{n}@stp.dongnai.gov.vn")
    sort_key = factory.LazyAttribute(
        lambda o: staff_index_fields(full_name=o.full_name, code=o.code, email=o.email)["sort_key"]
    )
    search_text = factory.LazyAttribute(
        lambda o: staff_index_fields(full_name=o.full_name, code=o.code, email=o.email)["search_text"]
    )


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    staff = factory.SubFactory(StaffFactory)
    unit = factory.SubFactory(UnitFactory)
    position = "Chuyên viên"
    category = StaffCategory.CIVIL_SERVANT
    valid_from = dt.date(2025, 1, 1)
    valid_to = None


__all__ = [
    "Authenticator",
    "MembershipFactory",
    "StaffFactory",
    "UnitFactory",
    "UserFactory",
    "give_totp",
]
