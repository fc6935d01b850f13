from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from augenhoehe.accounts.models import Language
from augenhoehe.conversations.models import MAX_TEXT, Gender, Topic


class RequestForm(forms.Form):
    topics = forms.MultipleChoiceField(
        label=_("What would you like to talk about?"),
        choices=Topic.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose one or more. This is the only thing we need."),
        error_messages={"required": _("Please choose at least one topic.")},
    )
    text = forms.CharField(
        label=_("A few words (optional)"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Only the peer who talks with you reads this, unless you allow more below."),
    )
    share_text = forms.BooleanField(
        label=_("Peers may read my words before they accept"), required=False
    )
    same_experience = forms.BooleanField(
        label=_("I would like a peer who has been through something similar"),
        required=False,
        initial=True,
    )
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    peer_gender = forms.ChoiceField(
        label=_("Preferred gender of the peer (optional)"),
        choices=[("", _("No preference"))] + list(Gender.choices),
        required=False,
    )
    young_peer = forms.BooleanField(
        label=_("I am young and would like a young peer"), required=False
    )

    def preferences(self) -> dict:
        data = self.cleaned_data
        keys = ("same_experience", "language", "peer_gender", "young_peer", "share_text")
        return {key: data[key] for key in keys}


class PeerProfileForm(forms.Form):
    topics = forms.MultipleChoiceField(
        label=_("Topics I have lived experience of"),
        choices=Topic.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages I speak in conversations"),
        choices=Language.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    gender = forms.ChoiceField(
        label=_("My gender (optional)"),
        choices=[("", _("I would rather not say"))] + list(Gender.choices),
        required=False,
    )
    is_young_peer = forms.BooleanField(label=_("I am a young peer (under 27)"), required=False)
    about = forms.CharField(
        label=_("A few words about me"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    capacity = forms.IntegerField(
        label=_("Conversations at once"), min_value=1, max_value=5, initial=2
    )


class FeedbackForm(forms.Form):
    understood = forms.TypedChoiceField(
        label=_("I felt understood"),
        choices=[(i, str(i)) for i in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("1 = not at all, 5 = completely"),
    )
    comment = forms.CharField(
        label=_("Anything else? (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class HandoverForm(forms.Form):
    to = forms.ChoiceField(label=_("Hand over to"))
    note = forms.CharField(
        label=_("Note for the next person"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, peers=(), **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["to"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("on_duty", _("the professional on duty"))] + [
            (str(p.pk), p.pseudonym) for p in peers
        ]


class DebriefForm(forms.Form):
    body = forms.CharField(
        label=_("Private debrief note"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Only you and the supervising professionals can read this."),
    )


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )
    client_id = forms.CharField(widget=forms.HiddenInput, max_length=64)
