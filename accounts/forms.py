from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .choices import PROCESS_ROLES, Gender, Role


class ProfileForm(forms.Form):
    display_name = forms.CharField(label=_("Name"), max_length=150, required=False)
    language = forms.ChoiceField(
        label=_("Preferred language"),
        choices=[("", _("Same as the interface"))] + list(settings.LANGUAGES),
        required=False,
    )
    gender = forms.ChoiceField(
        label=_("Gender"),
        choices=[("", _("Prefer not to say"))] + list(Gender.choices),
        required=False,
        help_text=_("Optional. Used only for balance figures; never shown publicly."),
    )
    at_risk = forms.BooleanField(
        label=_("I am at risk of reprisals: show my name to no one outside the secretariat"),
        required=False,
    )


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("Say what the token is for, such as the script that will use it."),
    )


class RoleGrantForm(forms.Form):
    """Roles that govern a process: its secretariat and its moderators."""

    email = forms.EmailField(label=_("E-mail address of the account"))
    role = forms.ChoiceField(
        label=_("Role"), choices=[(r.value, r.label) for r in Role if r in PROCESS_ROLES]
    )


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("To confirm that it is you. Deleting your account cannot be undone."),
    )
