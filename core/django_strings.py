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
    # Django's Vietnamese says "bạn"; the project addresses everyone as "Anh/Chị" (admin, auth, forms).
    gettext_noop("Upload a valid image. The file you uploaded was either not an image or a corrupted image."),
    gettext_noop(
        "Designates whether this user should be treated as active. Unselect this instead of deleting accounts."
    ),
    gettext_noop("Your password can’t be too similar to your other personal information."),
    gettext_noop("Your password can’t be a commonly used password."),
    gettext_noop("Your password can’t be entirely numeric."),
    gettext_noop(
        "Please enter the correct %(username)s and password for a staff account. Note that both "
        "fields may be case-sensitive."
    ),
    gettext_noop("You may edit it again below."),
    gettext_noop("The {name} “{obj}” was added successfully. You may add another {name} below."),
    gettext_noop("The {name} “{obj}” was changed successfully. You may edit it again below."),
    gettext_noop("The {name} “{obj}” was changed successfully. You may add another {name} below."),
    gettext_noop(
        "There’s been an error. It’s been reported to the site administrators via email and should "
        "be fixed shortly. Thanks for your patience."
    ),
    gettext_noop("You don’t have permission to view or edit anything."),
    gettext_noop("Welcome,"),
    gettext_noop(
        "Deleting the %(object_name)s '%(escaped_object)s' would result in deleting related "
        "objects, but your account doesn't have permission to delete the following types of "
        "objects:"
    ),
    gettext_noop(
        'Are you sure you want to delete the %(object_name)s "%(escaped_object)s"? All of the '
        "following related items will be deleted:"
    ),
    gettext_noop(
        "Deleting the selected %(objects_name)s would result in deleting related objects, but your "
        "account doesn't have permission to delete the following types of objects:"
    ),
    gettext_noop(
        "Are you sure you want to delete the selected %(objects_name)s? All of the following "
        "objects and their related items will be deleted:"
    ),
    gettext_noop("Delete?"),
    gettext_noop(
        "Something’s wrong with your database installation. Make sure the appropriate database "
        "tables have been created, and make sure the database is readable by the appropriate user."
    ),
    gettext_noop(
        "You are authenticated as %(username)s, but are not authorized to access this page. Would "
        "you like to login to a different account?"
    ),
    gettext_noop("Thanks for spending some quality time with the web site today."),
    gettext_noop("Your password was changed."),
    gettext_noop(
        "Please enter your old password, for security’s sake, and then enter your new password "
        "twice so we can verify you typed it in correctly."
    ),
    gettext_noop("Your password has been set.  You may go ahead and log in now."),
    gettext_noop("Please enter your new password twice so we can verify you typed it in correctly."),
    gettext_noop(
        "We’ve emailed you instructions for setting your password, if an account exists with the "
        "email you entered. You should receive them shortly."
    ),
    gettext_noop(
        "If you don’t receive an email, please make sure you’ve entered the address you registered "
        "with, and check your spam folder."
    ),
    gettext_noop(
        "You're receiving this email because you requested a password reset for your user account at %(site_name)s."
    ),
    gettext_noop("Thanks for using our site!"),
    gettext_noop(
        "Forgotten your password? Enter your email address below, and we’ll email instructions for setting a new one."
    ),
    gettext_noop("Forgotten your login credentials?"),
    ngettext_lazy(
        "Your password must contain at least %(min_length)d character.",
        "Your password must contain at least %(min_length)d characters.",
        1,
    ),
    # Messages the forms, the models' validation and the admin show, missing from Django 5.2's `vi`
    # catalogue (English on a Vietnamese page) or addressing the reader as "bạn".
    # django/core/validators.py
    gettext_noop("Enter a valid “slug” consisting of letters, numbers, underscores or hyphens."),
    gettext_noop("Enter a valid “slug” consisting of Unicode letters, numbers, underscores, or hyphens."),
    gettext_noop("File extension “%(extension)s” is not allowed. Allowed extensions are: %(allowed_extensions)s."),
    # django/db/models/fields/__init__.py
    gettext_noop("“%(value)s” value must be either True, False, or None."),
    gettext_noop("“%(value)s” value must be a decimal number."),
    gettext_noop("“%(value)s” value must be a float."),
    gettext_noop("“%(value)s” is not a valid UUID."),
    # django/db/models/fields/related.py
    gettext_noop("%(model)s instance with %(field)s %(value)r is not a valid choice."),
    # django/forms/fields.py
    gettext_noop("Enter a valid duration."),
    gettext_noop("The number of days must be between {min_days} and {max_days}."),
    gettext_noop("Enter a valid UUID."),
    # django/forms/formsets.py
    gettext_noop(
        "ManagementForm data is missing or has been tampered with. Missing fields: "
        "%(field_names)s. You may need to file a bug report if the issue persists."
    ),
    ngettext_lazy("Please submit at most %(num)d form.", "Please submit at most %(num)d forms.", 1),
    ngettext_lazy("Please submit at least %(num)d form.", "Please submit at least %(num)d forms.", 1),
    # django/forms/models.py
    gettext_noop("The inline value did not match the parent instance."),
    # django/contrib/admin/options.py ("Bạn có thể …")
    gettext_noop("You may edit it again below."),
)
