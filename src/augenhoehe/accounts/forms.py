from __future__ import annotations

from django import forms
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from augenhoehe.accounts.models import Language, Perspective
from augenhoehe.accounts.validators import PASSWORD_MAX, PSEUDONYM_MAX


class RegisterForm(forms.Form):
    pseudonym = forms.CharField(
        label=_("Pseudonym"),
        max_length=PSEUDONYM_MAX,
        help_text=_("3 to 30 characters. Please do not use your real name."),
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    password = forms.CharField(
        label=_("Password"),
        max_length=PASSWORD_MAX,
        help_text=_("At least 8 characters. You cannot reset it by e-mail, so keep it safe."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    perspective = forms.ChoiceField(
        label=_("I am here as …"),
        choices=Perspective.choices,
        initial=Perspective.UNSPECIFIED,
        widget=forms.RadioSelect,
        required=False,
    )


class LoginForm(forms.Form):
    pseudonym = forms.CharField(
        label=_("Pseudonym"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    password = forms.CharField(
        label=_("Password"),
        max_length=1000,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, request, *args, **kwargs):
        self.request = request
        self.user = None
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean() or {}
        if self.errors:
            return data
        self.user = authenticate(
            self.request, pseudonym=data["pseudonym"].strip(), password=data["password"]
        )
        if self.user is None:
            raise ValidationError(_("Pseudonym or password is not correct."))
        return data


class ProfileForm(forms.Form):
    perspective = forms.ChoiceField(
        label=_("Perspective"), choices=Perspective.choices, widget=forms.RadioSelect
    )
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)


class DeleteAccountForm(forms.Form):
    confirm = forms.CharField(
        label=_("Type your pseudonym to confirm"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_confirm(self):
        value = self.cleaned_data["confirm"].strip()
        if value.casefold() != self.user.pseudonym.casefold():
            raise ValidationError(_("That is not your pseudonym."))
        return value
