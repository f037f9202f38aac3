"""Forms: shape only (types, required, lengths). Rules live in the services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AccountabilityKind, AlertKind, ChannelKind

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class NoticeForm(forms.Form):
    problem = forms.CharField(
        label=_("Problem found"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )
    action = forms.CharField(
        label=_("Required action"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )
    reply_by = forms.DateField(label=_("Reply deadline"), widget=DATE_WIDGET)


class ReplyForm(forms.Form):
    text = forms.CharField(label=_("Reply"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))


class AccountabilityForm(forms.Form):
    unit_code = forms.CharField(label=_("Unit code"), max_length=40)
    person_name = forms.CharField(label=_("Responsible person"), max_length=40, required=False)
    person_post = forms.CharField(label=_("Post"), max_length=60, required=False)
    kind = forms.ChoiceField(label=_("Type"), choices=AccountabilityKind.choices)
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    decided_on = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    task_ids = forms.CharField(
        label=_("Linked tasks"),
        max_length=500,
        required=False,
        help_text=_("Task numbers (as in the task page's address), separated by commas."),
    )
    notice = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean_task_ids(self) -> list[int]:
        raw = (self.cleaned_data.get("task_ids") or "").replace("，", ",")
        try:
            return [int(x) for x in raw.split(",") if x.strip()]
        except ValueError:
            raise forms.ValidationError(_("Enter task numbers separated by commas.")) from None


class LiaisonForm(forms.Form):
    leader = forms.ModelChoiceField(label=_("Leader"), queryset=None)
    unit_code = forms.CharField(label=_("Unit code"), max_length=40)

    def __init__(self, *args, leaders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = leaders


class ChannelForm(forms.Form):
    kind = forms.ChoiceField(label=_("Channel"), choices=ChannelKind.choices)
    name = forms.CharField(label=_("Name"), max_length=60, required=False)
    target = forms.CharField(
        label=_("Address or webhook URL"),
        max_length=500,
        required=False,
        help_text=_("An email address, or the group robot's webhook URL; empty for the inbox."),
    )
    secret = forms.CharField(
        label=_("Signing secret (DingTalk)"),
        max_length=200,
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Leave empty to keep the stored secret."),
    )
    kinds = forms.MultipleChoiceField(
        label=_("Alert kinds"),
        choices=AlertKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every kind."),
    )
    enabled = forms.BooleanField(label=_("Enabled"), required=False, initial=True)
