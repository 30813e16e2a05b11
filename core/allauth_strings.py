"""django-allauth's messages shown on Lan Tỏa's pages, kept here only for `makemessages`.

allauth ships no Vietnamese catalogue, so its sign-in, password, email and two-factor pages
would stay in English under the default language. Their Vietnamese lives in our own
`locale/vi/LC_MESSAGES/django.po` (LOCALE_PATHS are searched first, for any app's msgid).
`makemessages` only keeps msgids it finds in our sources, so each one allauth uses is listed
below, copied exactly from allauth 65's templates and code (a `{% blocktrans %}` appears as
makemessages writes it, with `%(name)s` placeholders). Nothing imports this module.
When allauth is upgraded, re-check these against its English msgids
(`allauth/locale/fr/LC_MESSAGES/django.po`): a changed msgid silently falls back to English.
Phone, passkey, security-key, social-account and sign-up strings are left out: those
features are off.
"""

from django.utils.translation import gettext_noop, ngettext_lazy, pgettext_lazy

ALLAUTH_MESSAGES = (
    # allauth/account/adapter.py
    gettext_noop("This account is currently inactive."),
    # allauth/account/adapter.py
    gettext_noop("You cannot remove your primary email address."),
    # allauth/account/adapter.py
    gettext_noop("This email address is already associated with this account."),
    # allauth/account/adapter.py
    gettext_noop("The email address and/or password you specified are not correct."),
    # allauth/account/adapter.py
    gettext_noop("A user is already registered with this email address."),
    # allauth/account/adapter.py
    gettext_noop("Please type your current password."),
    # allauth/account/adapter.py, allauth/mfa/adapter.py
    gettext_noop("Incorrect code."),
    # allauth/account/adapter.py
    gettext_noop("Incorrect password."),
    # allauth/account/adapter.py
    gettext_noop("Invalid or expired key."),
    # allauth/account/adapter.py
    gettext_noop("Invalid login."),
    # allauth/account/adapter.py
    gettext_noop("The password reset token was invalid."),
    # allauth/account/adapter.py
    gettext_noop("You cannot add more than %d email addresses."),
    # allauth/account/adapter.py
    gettext_noop("Too many failed login attempts. Try again later."),
    # allauth/account/adapter.py
    gettext_noop("The email address is not assigned to any user account."),
    # allauth/account/adapter.py, templates/account/messages/unverified_primary_email.txt
    gettext_noop("Your primary email address must be verified."),
    # allauth/account/adapter.py
    gettext_noop("Please select only one."),
    # allauth/account/adapter.py
    gettext_noop("The new value must be different from the current one."),
    # allauth/account/adapter.py
    gettext_noop("Be patient, you are sending too many requests."),
    # allauth/account/adapter.py
    gettext_noop("Use your password"),
    # allauth/account/adapter.py
    gettext_noop("Use authenticator app or code"),
    # allauth/account/admin.py
    gettext_noop("Marked {email} as verified."),
    # allauth/account/admin.py
    gettext_noop("Failed to mark {email} as verified."),
    # allauth/account/admin.py
    gettext_noop("Mark selected email addresses as verified"),
    # allauth/account/apps.py
    gettext_noop("Accounts"),
    # allauth/account/fields.py, allauth/account/forms.py
    gettext_noop("Email"),
    # allauth/account/fields.py
    gettext_noop("Email address"),
    # allauth/account/fields.py
    gettext_noop("Forgot your password?"),
    # allauth/account/forms.py
    gettext_noop("You must type the same password each time."),
    # allauth/account/forms.py
    gettext_noop("Password"),
    # allauth/account/forms.py
    gettext_noop("Remember Me"),
    # allauth/account/forms.py
    pgettext_lazy("field label", "Login"),
    # allauth/account/forms.py
    gettext_noop("Email (again)"),
    # allauth/account/forms.py
    gettext_noop("Email address confirmation"),
    # allauth/account/forms.py
    gettext_noop("Email (optional)"),
    # allauth/account/forms.py
    gettext_noop("You must type the same email each time."),
    # allauth/account/forms.py
    gettext_noop("Password (again)"),
    # allauth/account/forms.py
    gettext_noop("Current Password"),
    # allauth/account/forms.py
    gettext_noop("New Password"),
    # allauth/account/forms.py
    gettext_noop("New Password (again)"),
    # allauth/account/forms.py, allauth/mfa/base/forms.py
    gettext_noop("Code"),
    # allauth/account/models.py
    gettext_noop("user"),
    # allauth/account/models.py
    gettext_noop("email address"),
    # allauth/account/models.py
    gettext_noop("verified"),
    # allauth/account/models.py
    gettext_noop("primary"),
    # allauth/account/models.py
    gettext_noop("email addresses"),
    # allauth/account/models.py
    gettext_noop("created"),
    # allauth/account/models.py
    gettext_noop("sent"),
    # allauth/account/models.py
    gettext_noop("key"),
    # allauth/account/models.py
    gettext_noop("email confirmation"),
    # allauth/account/models.py
    gettext_noop("email confirmations"),
    # allauth/mfa/adapter.py
    gettext_noop("You cannot add an email address to an account protected by two-factor authentication."),
    # allauth/mfa/adapter.py
    gettext_noop("You cannot deactivate two-factor authentication."),
    # allauth/mfa/adapter.py
    gettext_noop("You cannot generate recovery codes without having two-factor authentication enabled."),
    # allauth/mfa/adapter.py
    gettext_noop("You cannot activate two-factor authentication until you have verified your email address."),
    # allauth/mfa/apps.py
    gettext_noop("MFA"),
    # allauth/mfa/models.py
    gettext_noop("Recovery codes"),
    # allauth/mfa/models.py
    gettext_noop("TOTP Authenticator"),
    # allauth/mfa/totp/forms.py
    gettext_noop("Authenticator code"),
    # templates/account/password_reset_from_key.html, templates/mfa/authenticate.html
    gettext_noop("Cancel"),
    # templates/account/account_inactive.html
    gettext_noop("Account Inactive"),
    # templates/account/account_inactive.html
    gettext_noop("This account is inactive."),
    # templates/account/email_confirm.html, templates/account/reauthenticate.html
    gettext_noop("Confirm"),
    # templates/account/base_reauthenticate.html
    gettext_noop("Confirm Access"),
    # templates/account/base_reauthenticate.html
    gettext_noop("Please reauthenticate to safeguard your account."),
    # templates/account/base_reauthenticate.html, templates/mfa/authenticate.html
    gettext_noop("Alternative options"),
    # templates/account/login.html, templates/allauth/layouts/base.html
    gettext_noop("Sign In"),
    # templates/account/email/password_reset_subject.txt, templates/account/password_reset.html
    gettext_noop("Password Reset"),
    # templates/account/email.html
    gettext_noop("Email Addresses"),
    # templates/account/email.html
    gettext_noop("The following email addresses are associated with your account:"),
    # templates/account/email.html
    gettext_noop("Verified"),
    # templates/account/email.html
    gettext_noop("Unverified"),
    # templates/account/email.html
    gettext_noop("Primary"),
    # templates/account/email.html
    gettext_noop("Make Primary"),
    # templates/account/email.html, templates/account/email_change.html
    gettext_noop("Re-send Verification"),
    # templates/account/email.html
    gettext_noop("Remove"),
    # templates/account/email.html
    gettext_noop("Add Email Address"),
    # templates/account/email.html
    gettext_noop("Add Email"),
    # templates/account/email.html
    gettext_noop("Do you really want to remove the selected email address?"),
    # templates/account/email/base_message.txt
    gettext_noop("Hello from %(site_name)s!"),
    # templates/account/email/base_message.txt
    gettext_noop("Thank you for using %(site_name)s!\n%(site_domain)s"),
    # templates/account/email/base_notification.txt
    gettext_noop("You are receiving this mail because the following change was made to your account:"),
    # templates/account/email/base_notification.txt
    gettext_noop(
        "If you do not recognize this change then please take proper security precautions immediately. The change "
        "to your account originates from:\n\n- IP address: %(ip)s\n- Browser: %(user_agent)s\n- Date: %(timestamp)s"
    ),
    # templates/account/email/email_changed_message.txt
    gettext_noop("Your email has been changed from %(from_email)s to %(to_email)s."),
    # templates/account/email/email_changed_subject.txt
    gettext_noop("Email Changed"),
    # templates/account/email/email_confirmation_message.txt
    gettext_noop(
        "You're receiving this email because user %(user_display)s has given your email address to register an "
        "account on %(site_domain)s."
    ),
    # templates/account/email/email_confirmation_message.txt
    gettext_noop("Your email verification code is listed below. Please enter it in your open browser window."),
    # templates/account/email/email_confirmation_message.txt
    gettext_noop("To confirm this is correct, go to %(activate_url)s"),
    # templates/account/email/email_confirmation_subject.txt
    gettext_noop("Please Confirm Your Email Address"),
    # templates/account/email/email_deleted_message.txt
    gettext_noop("Email address %(deleted_email)s has been removed from your account."),
    # templates/account/email/email_deleted_subject.txt
    gettext_noop("Email Removed"),
    # templates/account/email/password_reset_code_message.txt
    gettext_noop("This mail can be safely ignored if you did not initiate this action."),
    # templates/account/email/password_changed_message.txt
    gettext_noop("Your password has been changed."),
    # templates/account/email/password_changed_subject.txt
    gettext_noop("Password Changed"),
    # templates/account/email/password_reset_code_message.txt
    gettext_noop("Your password reset code is listed below. Please enter it in your open browser window."),
    # templates/account/email/password_reset_code_subject.txt
    gettext_noop("Password Reset Code"),
    # templates/account/email/password_reset_key_message.txt
    gettext_noop(
        "You're receiving this email because you or someone else has requested a password reset for your user "
        "account.\nIt can be safely ignored if you did not request a password reset. Click the link below to reset "
        "your password."
    ),
    # templates/account/email/password_reset_key_subject.txt
    gettext_noop("Password Reset Email"),
    # templates/account/email/password_reset_message.txt
    gettext_noop("Your password has been reset."),
    # templates/account/email/password_set_message.txt
    gettext_noop("Your password has been set."),
    # templates/account/email/password_set_subject.txt
    gettext_noop("Password Set"),
    # templates/account/email_change.html
    gettext_noop("Email Address"),
    # templates/account/email_change.html
    gettext_noop("Current email"),
    # templates/account/email_change.html
    gettext_noop("Changing to"),
    # templates/account/email_change.html
    gettext_noop("Your email address is still pending verification."),
    # templates/account/email_change.html
    gettext_noop("Cancel Change"),
    # templates/account/email_change.html
    gettext_noop("Change to"),
    # templates/account/email_change.html, templates/allauth/layouts/base.html
    gettext_noop("Change Email"),
    # templates/account/email_confirm.html
    gettext_noop("Confirm Email Address"),
    # templates/account/email_confirm.html
    gettext_noop(
        'Please confirm that <a href="mailto:%(email)s">%(email)s</a> is an email address for user %(user_display)s.'
    ),
    # templates/account/email_confirm.html, templates/account/messages/email_confirmation_failed.txt
    gettext_noop("Unable to confirm %(email)s because it is already confirmed by a different account."),
    # templates/account/email_confirm.html
    gettext_noop(
        'This email confirmation link expired or is invalid. Please <a href="%(email_url)s">issue a new email '
        "confirmation request</a>."
    ),
    # templates/account/logout.html, templates/allauth/layouts/base.html
    gettext_noop("Sign Out"),
    # templates/account/logout.html
    gettext_noop("Are you sure you want to sign out?"),
    # templates/account/messages/cannot_delete_primary_email.txt
    gettext_noop("You cannot remove your primary email address (%(email)s)."),
    # templates/account/messages/email_confirmation_sent.txt
    gettext_noop("Confirmation email sent to %(email)s."),
    # templates/account/messages/email_confirmed.txt
    gettext_noop("You have confirmed %(email)s."),
    # templates/account/messages/email_deleted.txt
    gettext_noop("Removed email address %(email)s."),
    # templates/account/messages/logged_in.txt
    gettext_noop("Successfully signed in as %(name)s."),
    # templates/account/messages/logged_out.txt
    gettext_noop("You have signed out."),
    # templates/account/messages/password_changed.txt
    gettext_noop("Password successfully changed."),
    # templates/account/messages/password_set.txt
    gettext_noop("Password successfully set."),
    # templates/account/messages/primary_email_set.txt
    gettext_noop("Primary email address set."),
    # templates/account/password_change.html, templates/account/password_reset_from_key.html
    gettext_noop("Change Password"),
    # templates/account/password_reset.html
    gettext_noop(
        "Forgotten your password? Enter your email address below, and we'll send you an email allowing you to reset it."
    ),
    # templates/account/password_reset.html
    gettext_noop("Reset My Password"),
    # templates/account/password_reset.html
    gettext_noop("Please contact us if you have any trouble resetting your password."),
    # templates/account/password_reset_done.html
    gettext_noop(
        "We have sent you an email. If you have not received it please check your spam folder. Otherwise contact "
        "us if you do not receive it in a few minutes."
    ),
    # templates/account/password_reset_from_key.html
    gettext_noop("Bad Token"),
    # templates/account/password_reset_from_key.html
    gettext_noop(
        "The password reset link was invalid, possibly because it has already been used.  Please request a <a "
        'href="%(passwd_reset_url)s">new password reset</a>.'
    ),
    # templates/account/password_reset_from_key_done.html
    gettext_noop("Your password is now changed."),
    # templates/account/password_set.html
    gettext_noop("Set Password"),
    # templates/account/reauthenticate.html
    gettext_noop("Enter your password:"),
    # templates/account/signup_closed.html
    gettext_noop("Sign Up Closed"),
    # templates/account/signup_closed.html
    gettext_noop("We are sorry, but the sign up is currently closed."),
    # templates/account/snippets/already_logged_in.html
    gettext_noop("Note"),
    # templates/account/snippets/already_logged_in.html
    gettext_noop("You are already logged in as %(user_display)s."),
    # templates/account/snippets/warn_no_email.html
    gettext_noop("Warning:"),
    # templates/account/snippets/warn_no_email.html
    gettext_noop(
        "You currently do not have any email address set up. You should really add an email address so you can "
        "receive notifications, reset your password, etc."
    ),
    # templates/account/verification_sent.html, templates/account/verified_email_required.html
    gettext_noop("Verify Your Email Address"),
    # templates/account/verified_email_required.html
    gettext_noop(
        "This part of the site requires us to verify that\nyou are who you claim to be. For this purpose, we "
        "require that you\nverify ownership of your email address. "
    ),
    # templates/account/verified_email_required.html
    gettext_noop(
        "We have sent an email to you for\nverification. Please click on the link inside that email. If you do not "
        "see the verification email in your main inbox, check your spam folder. Otherwise\ncontact us if you do "
        "not receive it within a few minutes."
    ),
    # templates/account/verified_email_required.html
    gettext_noop('<strong>Note:</strong> you can still <a href="%(email_url)s">change your email address</a>.'),
    # templates/allauth/layouts/base.html
    gettext_noop("Messages:"),
    # templates/allauth/layouts/base.html
    gettext_noop("Menu:"),
    # templates/allauth/layouts/base.html, templates/mfa/authenticate.html
    gettext_noop("Two-Factor Authentication"),
    # templates/mfa/authenticate.html
    gettext_noop("Your account is protected by two-factor authentication. Please enter an authenticator code:"),
    # templates/mfa/email/recovery_codes_generated_message.txt
    gettext_noop("A new set of Two-Factor Authentication recovery codes has been generated."),
    # templates/mfa/email/recovery_codes_generated_subject.txt
    gettext_noop("New Recovery Codes Generated"),
    # templates/mfa/email/totp_activated_message.txt, templates/mfa/messages/totp_activated.txt
    gettext_noop("Authenticator app activated."),
    # templates/mfa/email/totp_activated_subject.txt
    gettext_noop("Authenticator App Activated"),
    # templates/mfa/email/totp_deactivated_message.txt, templates/mfa/messages/totp_deactivated.txt
    gettext_noop("Authenticator app deactivated."),
    # templates/mfa/email/totp_deactivated_subject.txt
    gettext_noop("Authenticator App Deactivated"),
    # templates/mfa/index.html, templates/mfa/totp/base.html
    gettext_noop("Authenticator App"),
    # templates/mfa/index.html
    gettext_noop("Authentication using an authenticator app is active."),
    # templates/mfa/index.html
    gettext_noop("An authenticator app is not active."),
    # templates/mfa/index.html, templates/mfa/totp/deactivate_form.html
    gettext_noop("Deactivate"),
    # templates/mfa/index.html, templates/mfa/totp/activate_form.html
    gettext_noop("Activate"),
    # templates/mfa/index.html
    gettext_noop("Manage"),
    # templates/mfa/index.html
    gettext_noop("Add"),
    # templates/mfa/index.html, templates/mfa/recovery_codes/base.html
    gettext_noop("Recovery Codes"),
    # templates/mfa/index.html, templates/mfa/recovery_codes/index.html
    ngettext_lazy(
        "There is %(unused_count)s out of %(total_count)s recovery codes available.",
        "There are %(unused_count)s out of %(total_count)s recovery codes available.",
        1,
    ),
    # templates/mfa/index.html
    gettext_noop("No recovery codes set up."),
    # templates/mfa/index.html
    gettext_noop("View"),
    # templates/mfa/index.html
    gettext_noop("Download"),
    # templates/mfa/index.html, templates/mfa/recovery_codes/generate.html
    gettext_noop("Generate"),
    # templates/mfa/messages/recovery_codes_generated.txt
    gettext_noop("A new set of recovery codes has been generated."),
    # templates/mfa/messages/recovery_codes_generated.txt
    gettext_noop("Save them  in a secure location now — they won't be shown again."),
    # templates/mfa/reauthenticate.html
    gettext_noop("Enter an authenticator code:"),
    # templates/mfa/recovery_codes/generate.html
    gettext_noop("You are about to generate a new set of recovery codes for your account."),
    # templates/mfa/recovery_codes/generate.html
    gettext_noop("This action will invalidate your existing codes."),
    # templates/mfa/recovery_codes/generate.html
    gettext_noop("Are you sure?"),
    # templates/mfa/recovery_codes/index.html
    gettext_noop("Unused codes"),
    # templates/mfa/recovery_codes/index.html
    gettext_noop("Download codes"),
    # templates/mfa/recovery_codes/index.html
    gettext_noop("Generate new codes"),
    # templates/mfa/recovery_codes/index.html
    gettext_noop("I have saved my recovery codes"),
    # templates/mfa/totp/activate_form.html
    gettext_noop("Activate Authenticator App"),
    # templates/mfa/totp/activate_form.html
    gettext_noop(
        "To protect your account with two-factor authentication, scan the QR code below with your authenticator "
        "app. Then, input the verification code generated by the app below."
    ),
    # templates/mfa/totp/activate_form.html
    gettext_noop("Authenticator secret"),
    # templates/mfa/totp/activate_form.html
    gettext_noop("You can store this secret and use it to reinstall your authenticator app at a later time."),
    # templates/mfa/totp/deactivate_form.html
    gettext_noop("Deactivate Authenticator App"),
    # templates/mfa/totp/deactivate_form.html
    gettext_noop("You are about to deactivate authenticator app based authentication. Are you sure?"),
    # templates/mfa/trust.html
    gettext_noop("Trust this Browser?"),
    # templates/mfa/trust.html
    gettext_noop(
        "If you choose to trust this browser, you will not be asked for a verification code the next time you sign in."
    ),
    # templates/mfa/trust.html
    gettext_noop("Trust for %(period)s"),
    # templates/mfa/trust.html
    gettext_noop("Don't Trust"),
)
