"""Django's own messages that its Vietnamese catalogue lacks or words awkwardly, kept for `makemessages`.

Django 5.2's `vi` catalogue misses some newer msgids (the admin's theme toggle and sidebar
labels, the password-based-authentication switch, and "This password is too short…", whose
msgid changed to `%d`), so those pages would mix English into Vietnamese; "Add %(name)s" and
"By %(filter_title)s" read badly ("Thêm vào …", "Bởi …"). Our
`locale/vi/LC_MESSAGES/django.po` is searched first, for any app's msgid; `makemessages`
keeps only msgids found in our sources, hence this list, copied exactly from Django's code and
templates. Nothing imports this module. Re-check it when Django is upgraded.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

DJANGO_MESSAGES = (
    # django/contrib/auth/admin.py
    gettext_noop("Conflicting form data submitted. Please try again."),
    # django/contrib/auth/admin.py
    gettext_noop("Password-based authentication was disabled."),
    # django/contrib/auth/admin.py
    gettext_noop("Set password: %s"),
    # django/contrib/auth/forms.py
    gettext_noop("Reset password"),
    # django/contrib/auth/forms.py
    gettext_noop("Set password"),
    # django/contrib/auth/forms.py
    gettext_noop(
        "Whether the user will be able to authenticate using a password or not. If disabled, they may still be "
        "able to authenticate using other backends, such as Single Sign-On or LDAP."
    ),
    # django/contrib/auth/forms.py
    gettext_noop("Password-based authentication"),
    # django/contrib/auth/forms.py
    gettext_noop("Enabled"),
    # django/contrib/auth/forms.py
    gettext_noop("Disabled"),
    # django/contrib/auth/forms.py
    gettext_noop("Raw passwords are not stored, so there is no way to see the user’s password."),
    # django/contrib/auth/forms.py
    gettext_noop("Enable password-based authentication for this user by setting a password."),
    # django/contrib/auth/password_validation.py
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        1,
    ),
    # django/contrib/admin/options.py
    gettext_noop("Select this object for an action - {}"),
    # django/contrib/admin/templates/admin/app_index.html
    gettext_noop("Breadcrumbs"),
    # django/contrib/admin/templates/admin/app_list.html
    gettext_noop("Model name"),
    # django/contrib/admin/templates/admin/app_list.html
    gettext_noop("Add link"),
    # django/contrib/admin/templates/admin/app_list.html
    gettext_noop("Change or view list link"),
    # django/contrib/admin/templates/admin/auth/user/add_form.html
    gettext_noop("After you’ve created a user, you’ll be able to edit more user options."),
    # django/contrib/admin/templates/admin/auth/user/change_password.html
    gettext_noop("Error:"),
    # django/contrib/admin/templates/admin/auth/user/change_password.html
    gettext_noop("This action will <strong>enable</strong> password-based authentication for this user."),
    # django/contrib/admin/templates/admin/auth/user/change_password.html
    gettext_noop("Disable password-based authentication"),
    # django/contrib/admin/templates/admin/auth/user/change_password.html
    gettext_noop("Enable password-based authentication"),
    # django/contrib/admin/templates/admin/base.html
    gettext_noop("Skip to main content"),
    # django/contrib/admin/templates/admin/change_form.html
    gettext_noop("Add %(name)s"),
    # django/contrib/admin/templates/admin/change_list.html
    gettext_noop("Hide counts"),
    # django/contrib/admin/templates/admin/change_list.html
    gettext_noop("Show counts"),
    # django/contrib/admin/templates/admin/color_theme_toggle.html
    gettext_noop("Toggle theme (current theme: auto)"),
    # django/contrib/admin/templates/admin/color_theme_toggle.html
    gettext_noop("Toggle theme (current theme: light)"),
    # django/contrib/admin/templates/admin/color_theme_toggle.html
    gettext_noop("Toggle theme (current theme: dark)"),
    # django/contrib/admin/templates/admin/filter.html
    gettext_noop(" By %(filter_title)s "),
    # django/contrib/admin/templates/admin/index.html
    gettext_noop("Added:"),
    # django/contrib/admin/templates/admin/index.html
    gettext_noop("Changed:"),
    # django/contrib/admin/templates/admin/index.html
    gettext_noop("Deleted:"),
    # django/contrib/admin/templates/admin/nav_sidebar.html
    gettext_noop("Toggle navigation"),
    # django/contrib/admin/templates/admin/nav_sidebar.html
    gettext_noop("Sidebar"),
    # django/contrib/admin/templates/admin/nav_sidebar.html
    gettext_noop("Filter navigation items"),
    # django/contrib/admin/templates/admin/widgets/related_widget_wrapper.html
    gettext_noop("View selected %(model)s"),
    # django/contrib/admin/templatetags/admin_list.py
    gettext_noop("Select all objects on this page for an action"),
    # django/core/paginator.py
    gettext_noop("That page number is not an integer"),
    # django/core/paginator.py
    gettext_noop("That page number is less than 1"),
    # django/core/paginator.py
    gettext_noop("That page contains no results"),
    # django/core/validators.py
    gettext_noop("Enter a valid domain name."),
    # django/core/validators.py
    gettext_noop("Null characters are not allowed."),
    # django/db/models/constraints.py
    gettext_noop("Constraint “%(name)s” is violated."),
    # django/db/models/fields/__init__.py
    gettext_noop("“%(value)s” value must be either True or False."),
    # django/db/models/fields/__init__.py
    gettext_noop("“%(value)s” value has an invalid date format. It must be in YYYY-MM-DD format."),
    # django/db/models/fields/__init__.py
    gettext_noop("“%(value)s” value has the correct format (YYYY-MM-DD) but it is an invalid date."),
    # django/db/models/fields/__init__.py
    gettext_noop("“%(value)s” value must be an integer."),
    # django/db/models/fields/json.py
    gettext_noop("Value must be valid JSON."),
    # django/forms/fields.py
    gettext_noop("Enter a complete value."),
    # django/forms/fields.py
    gettext_noop("Enter a valid JSON."),
    # django/forms/models.py
    gettext_noop("“%(pk)s” is not a valid value."),
)
