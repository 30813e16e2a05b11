from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from accounts.admin_site import OfficeOnlyAdminMixin

from .models import User


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "display_name")

    def clean_email(self) -> str:
        # Same normal form as `UserManager`, so "An@X.vn" and "an@x.vn" are one account.
        return self.cleaned_data["email"].strip().lower()


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()


# Who may grant these is a superuser's call: the Office manages accounts, not privileges.
_SUPERUSER_ONLY_FIELDS = ("is_superuser", "is_staff", "groups", "user_permissions")


@admin.register(User)
class UserAdmin(OfficeOnlyAdminMixin, DjangoUserAdmin):
    """Email accounts: no username, no first/last name; people's names live on the roster."""

    form = UserEditForm
    add_form = UserCreationForm
    ordering = ("email",)
    search_fields = ("email", "display_name", "staff__code", "staff__full_name")
    list_display = (
        "email",
        "display_name",
        "staff_member",
        "is_office_admin",
        "is_staff",
        "is_superuser",
        "has_two_factor",
        "is_active",
        "last_login",
    )
    list_filter = ("is_office_admin", "is_staff", "is_superuser", "is_active")
    list_select_related = ("staff",)
    readonly_fields = ("last_login", "date_joined")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("display_name",)}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_office_admin", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "display_name", "usable_password", "password1", "password2"),
            },
        ),
    )

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        if not request.user.is_superuser:
            readonly = (*readonly, *_SUPERUSER_ONLY_FIELDS)
        return readonly

    def has_change_permission(self, request, obj=None) -> bool:
        # The Office must not take over a superuser's account (e.g. by setting its password).
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    def get_queryset(self, request):
        totp = Authenticator.objects.filter(user=OuterRef("pk"), type=Authenticator.Type.TOTP)
        return super().get_queryset(request).annotate(totp_active=Exists(totp))

    @admin.display(description=_("staff member"), ordering="staff__code")
    def staff_member(self, user: User) -> str:
        try:
            return str(user.staff)
        except ObjectDoesNotExist:
            return "—"

    @admin.display(boolean=True, description=_("two-factor login"), ordering="totp_active")
    def has_two_factor(self, user: User) -> bool:
        return user.totp_active
