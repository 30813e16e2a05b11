"""Inviting roster staff to set their password: the account of a staff member.

An invitation is allauth's password reset, sent unasked: the account is created with an
unusable password and the email carries a password-reset-from-key link, so the token,
its expiry (`PASSWORD_RESET_TIMEOUT`), the set-password page and its rate limits are all
allauth's. Deciding who to invite reads the roster, so it lives here; the email itself
is `accounts.services.invitation_email_send`, sent by `accounts.tasks.invitation_send`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.http import HttpRequest
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.tasks import invitation_send
from orgchart.models import Staff

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class InviteSummary:
    """What a bulk invitation did (or, with `dry_run`, would do); staff are listed by code."""

    invited: tuple[str, ...] = ()
    skipped_no_email: tuple[str, ...] = ()
    skipped_active: tuple[str, ...] = ()
    dry_run: bool = False


@dataclass
class _Plan:
    staff: Staff
    email: str
    account: User | None


@dataclass
class _Holders:
    """Who already uses each (lower-cased) email: accounts by `User.email` and by allauth `EmailAddress`."""

    by_user_email: dict[str, User] = field(default_factory=dict)
    by_address: dict[str, set[int]] = field(default_factory=dict)


def _email_of(staff: Staff) -> str:
    return (staff.email or "").strip().lower()


def _holders_of(emails: Iterable[str]) -> _Holders:
    emails = sorted(set(emails))
    holders = _Holders()
    if not emails:
        return holders
    for user in (
        User.objects.annotate(email_lower=Lower("email")).filter(email_lower__in=emails).select_related("staff")
    ):
        holders.by_user_email[user.email_lower] = user
    for email, user_id in (
        EmailAddress.objects.annotate(email_lower=Lower("email"))
        .filter(email_lower__in=emails)
        .values_list("email_lower", "user_id")
    ):
        holders.by_address.setdefault(email, set()).add(user_id)
    return holders


def _linked_staff(user: User) -> Staff | None:
    try:
        return user.staff
    except Staff.DoesNotExist:
        return None


class _AlreadyActive(ValidationError):
    """The account exists and already has a password: nothing to invite."""


class _NoEmail(ValidationError):
    pass


def _plan(*, staff: Staff, holders: _Holders) -> _Plan:
    """Decide what inviting `staff` means, or refuse with a ValidationError. Reads only."""
    label = str(staff)
    email = _email_of(staff)
    if not email:
        raise _NoEmail(_("%(staff)s has no email address on the roster.") % {"staff": label}, code="no_email")
    account: User | None = staff.user
    other_ids = holders.by_address.get(email, set()) - ({account.pk} if account else set())
    holder = holders.by_user_email.get(email)
    if holder is not None and account is not None and holder.pk == account.pk:
        holder = None
    if holder is not None or other_ids:
        # An unlinked account with this email and no password is what an earlier invitation
        # left behind (its staff link was removed): take it over. Anything else is someone
        # else's account; linking it is a conscious decision for the admin, not for a bulk invite.
        reusable = (
            account is None
            and holder is not None
            and other_ids <= {holder.pk}
            and _linked_staff(holder) is None
            and not holder.has_usable_password()
        )
        if not reusable:
            raise ValidationError(
                _("%(staff)s: the email %(email)s belongs to another account.") % {"staff": label, "email": email},
                code="email_taken",
            )
        account = holder
    if account is not None:
        if not account.is_active:
            raise ValidationError(
                _("%(staff)s: the account %(email)s is disabled; enable it in the admin first.")
                % {"staff": label, "email": account.email},
                code="inactive",
            )
        if account.has_usable_password():
            raise _AlreadyActive(
                _("%(staff)s already has an account with a password: they can sign in, or use “Forgot your password?”.")
                % {"staff": label},
                code="already_active",
            )
    return _Plan(staff=staff, email=email, account=account)


def _apply(*, plan: _Plan) -> User:
    account = plan.account
    if account is None:
        account = User.objects.create_user(email=plan.email, password=None, display_name=plan.staff.full_name)
    else:
        # A pending account follows the roster's email; its password stays unusable so
        # links already sent keep working.
        account.email = plan.email
        account.display_name = account.display_name or plan.staff.full_name
        account.save(update_fields=["email", "display_name"])
    if plan.staff.user_id != account.pk:
        plan.staff.user = account
        plan.staff.save(update_fields=["user"])
    EmailAddress.objects.filter(user=account).exclude(email__iexact=plan.email).delete()
    address = EmailAddress.objects.filter(user=account, email__iexact=plan.email).first()
    if address is None:
        EmailAddress.objects.create(user=account, email=plan.email, verified=True, primary=True)
    else:
        address.email, address.verified, address.primary = plan.email, True, True
        address.save(update_fields=["email", "verified", "primary"])
    return account


def _base_url(request: HttpRequest | None) -> str:
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    return settings.SITE_URL.rstrip("/")


def _send_after_commit(*, user: User, base_url: str, invited_by: User | None) -> None:
    inviter = invited_by.get_full_name() if invited_by is not None else ""
    transaction.on_commit(
        partial(invitation_send.delay, user_id=user.pk, base_url=base_url, invited_by_name=inviter), robust=True
    )


def account_invite(*, staff: Staff, invited_by: User | None = None, request: HttpRequest | None = None) -> User:
    """Create (or reuse) the account of a roster staff member and email them a link to set their password.

    Refuses, writing nothing, when the staff member has no email, when the email belongs
    to another account, when their account is disabled, or when they already have a
    password. Inviting again someone who has not set a password yet just sends the
    email again. The email leaves after the transaction commits.
    """
    with transaction.atomic():
        staff = Staff.objects.select_for_update(of=("self",)).select_related("user").get(pk=staff.pk)
        plan = _plan(staff=staff, holders=_holders_of([_email_of(staff)]))
        user = _apply(plan=plan)
        _send_after_commit(user=user, base_url=_base_url(request), invited_by=invited_by)
    logger.info("Invitation for staff %s (user %s) by %s", staff.code, user.pk, invited_by.pk if invited_by else "-")
    return user


def account_invite_many(
    *,
    staff_ids: Iterable[int],
    invited_by: User | None = None,
    request: HttpRequest | None = None,
    dry_run: bool = False,
) -> InviteSummary:
    """Invite many staff at once: those without an email or already signed up are skipped and reported.

    Any other problem (an email used by another account, a disabled account, two staff
    with the same email, an unknown id) refuses the whole batch with every problem
    listed, and nothing is written.
    """
    staff_ids = list(dict.fromkeys(staff_ids))
    with transaction.atomic():
        staff_list = list(
            Staff.objects.select_for_update(of=("self",))
            .select_related("user")
            .filter(pk__in=staff_ids)
            .order_by("code")
        )
        problems: list[str] = []
        found = {staff.pk for staff in staff_list}
        problems += [
            _("Unknown staff id %(id)s.") % {"id": staff_id} for staff_id in staff_ids if staff_id not in found
        ]

        holders = _holders_of(_email_of(staff) for staff in staff_list)
        plans: list[_Plan] = []
        no_email: list[str] = []
        active: list[str] = []
        seen: dict[str, Staff] = {}
        for staff in staff_list:
            try:
                plan = _plan(staff=staff, holders=holders)
            except _NoEmail:
                no_email.append(staff.code)
                continue
            except _AlreadyActive:
                active.append(staff.code)
                continue
            except ValidationError as exc:
                problems += exc.messages
                continue
            if plan.email in seen:
                problems.append(
                    _("%(staff)s and %(other)s have the same email %(email)s.")
                    % {"staff": staff, "other": seen[plan.email], "email": plan.email}
                )
                continue
            seen[plan.email] = staff
            plans.append(plan)
        if problems:
            raise ValidationError(problems)

        if not dry_run:
            base_url = _base_url(request)
            for plan in plans:
                user = _apply(plan=plan)
                _send_after_commit(user=user, base_url=base_url, invited_by=invited_by)
    if not dry_run:
        logger.info("Invited %s staff by %s", len(plans), invited_by.pk if invited_by else "-")
    return InviteSummary(
        invited=tuple(plan.staff.code for plan in plans),
        skipped_no_email=tuple(no_email),
        skipped_active=tuple(active),
        dry_run=dry_run,
    )
