from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from augenhoehe.chat.models import MAX_BODY
from augenhoehe.groups.models import Audience, GroupLanguage, JoinPolicy, Topic


def _any(label, choices):
    return [("", label), *choices]


class GroupFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    topic = forms.ChoiceField(
        label=_("Topic"), required=False, choices=_any(_("All topics"), Topic.choices)
    )
    language = forms.ChoiceField(
        label=_("Language"), required=False, choices=_any(_("All languages"), GroupLanguage.choices)
    )
    audience = forms.ChoiceField(
        label=_("For whom"), required=False, choices=_any(_("Everybody"), Audience.choices)
    )

    def filters(self) -> dict[str, str]:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "topic": data["topic"],
            "language": data["language"],
            "audience": data["audience"],
            "search": data["q"].strip(),
        }


class JoinForm(forms.Form):
    accept_rules = forms.BooleanField(
        label=_("I have read the group rules and I accept them."),
        error_messages={"required": _("Please read and accept the group rules to join.")},
    )


class RemoveForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (seen by facilitators and by the person)"), required=False, max_length=2000
    )


class PinForm(forms.Form):
    pinned = forms.BooleanField(required=False)


class MessageForm(forms.Form):
    """The no-JavaScript composer. ``client_id`` comes with the page, so a double submit of
    the same form stores one message."""

    body = forms.CharField(
        label=_("Your message"), max_length=MAX_BODY, widget=forms.Textarea(attrs={"rows": 3})
    )
    client_id = forms.CharField(widget=forms.HiddenInput, max_length=64)

    @staticmethod
    def new_client_id() -> str:
        return "web-" + uuid.uuid4().hex


class GroupCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=120,
        error_messages={"required": _("Please give the group a name.")},
    )
    topic = forms.ChoiceField(label=_("Topic"), choices=Topic.choices)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Who is the group for, and how does it meet?"),
    )
    language = forms.ChoiceField(label=_("Language"), choices=GroupLanguage.choices)
    audience = forms.ChoiceField(label=_("For whom"), choices=Audience.choices)
    join_policy = forms.ChoiceField(
        label=_("Joining"),
        choices=JoinPolicy.choices,
        help_text=_("Closed groups: a facilitator approves each request."),
    )
    rules = forms.CharField(
        label=_("Group rules"),
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Everyone accepts them before joining."),
    )
