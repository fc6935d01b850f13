from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from augenhoehe.safety.actions import MAX_NOTE


class AcknowledgeForm(forms.Form):
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: who reached out, and how. Please no diagnoses."),
    )
