"""Forms: shape only (types, required, lengths). Rules live in the services."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from luoshi.units.models import Kind, Unit, UnitGroup
from luoshi.units.selectors import group_members, resolve_names

from .models import Cadence, SourceKind

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SourceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=SourceKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    date = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    venue = forms.CharField(label=_("Main venue"), max_length=100, required=False)
    text = forms.CharField(label=_("Full text"), widget=forms.Textarea(attrs={"rows": 6}), required=False)


class UnitPickerMixin(forms.Form):
    """Lead units and co-units chosen among the issuer's subordinates: direct subordinates as
    checkboxes, a saved group, or any lower unit typed by name, short name, alias or code."""

    units = forms.ModelMultipleChoiceField(
        label=_("Lead units"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    group = forms.ModelChoiceField(label=_("Or a group"), queryset=UnitGroup.objects.none(), required=False)
    other_units = forms.CharField(
        label=_("Other lead units"),
        required=False,
        max_length=2000,
        help_text=_("Names, short names or codes, separated by 、 or commas."),
    )
    co_units = forms.CharField(label=_("Co-units"), required=False, max_length=2000)

    def __init__(self, *args, issuer: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.issuer = issuer
        self.fields["units"].queryset = issuer.children.filter(retired_at__isnull=True).order_by(
            "kind", "code"
        )
        self.fields["units"].label_from_instance = lambda u: (
            u.name + (" ·部门" if u.kind == Kind.DEPARTMENT else "")
        )
        self.fields["group"].queryset = UnitGroup.objects.filter(owner=issuer)

    def clean(self):
        data = super().clean()
        leads = list(data.get("units") or [])
        if data.get("group"):
            leads += [u for u in group_members(data["group"]) if u not in leads]
        more, errors = resolve_names(self.issuer, data.get("other_units", ""))
        leads += [u for u in more if u not in leads]
        if errors:
            self.add_error("other_units", errors)
        co, co_errors = resolve_names(self.issuer, data.get("co_units", ""))
        if co_errors:
            self.add_error("co_units", co_errors)
        if not leads and not errors:
            self.add_error("units", _("Choose at least one lead unit."))
        data["lead_units"] = leads
        data["co_unit_list"] = co
        return data


class TaskFieldsForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=200)
    content = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=DATE_WIDGET)
    deadline_workdays = forms.IntegerField(
        label=_("Or within N working days"), required=False, min_value=1, max_value=366
    )
    cadence = forms.ChoiceField(label=_("Reporting cadence"), choices=Cadence.choices, initial=Cadence.NONE)
    target_value = forms.DecimalField(label=_("Target"), required=False, max_digits=20, decimal_places=4)
    target_unit = forms.CharField(label=_("Target unit"), required=False, max_length=20)
    responsible_name = forms.CharField(label=_("Responsible person"), required=False, max_length=40)
    responsible_post = forms.CharField(label=_("Post"), required=False, max_length=60)
    milestones = forms.CharField(
        label=_("Milestones"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line: date, title, expected %; e.g. 2026-06-30 完成招标 50"),
    )

    def clean_milestones(self) -> list[tuple[dt.date, str, int]]:
        out = []
        for n, line in enumerate((self.cleaned_data.get("milestones") or "").splitlines(), start=1):
            parts = line.replace("，", ",").replace(",", " ").split()
            if not parts:
                continue
            try:
                date = dt.date.fromisoformat(parts[0])
                expected = int(parts[-1].rstrip("%％"))
                title = " ".join(parts[1:-1]) or _("Milestone")
            except (ValueError, IndexError):
                raise forms.ValidationError(
                    _("Line %(n)d: write “date title expected%%”, e.g. 2026-06-30 完成招标 50.") % {"n": n}
                ) from None
            out.append((date, str(title), expected))
        return out

    def task_fields(self) -> dict:
        d = self.cleaned_data
        return {
            "content": d.get("content", ""),
            "deadline": d.get("deadline"),
            "deadline_workdays": d.get("deadline_workdays"),
            "cadence": d.get("cadence") or Cadence.NONE,
            "target_value": d.get("target_value"),
            "target_unit": d.get("target_unit", ""),
            "responsible_name": d.get("responsible_name", ""),
            "responsible_post": d.get("responsible_post", ""),
            "milestones": d.get("milestones") or [],
        }


class TaskForm(TaskFieldsForm, UnitPickerMixin):
    """A new task and, optionally, its assignment in the same step."""

    def __init__(self, *args, issuer: Unit, require_units: bool = False, **kwargs):
        super().__init__(*args, issuer=issuer, **kwargs)
        self.require_units = require_units

    def clean(self):
        data = forms.Form.clean(self)
        picked = any(data.get(k) for k in ("units", "group", "other_units", "co_units"))
        if picked or self.require_units:
            data = UnitPickerMixin.clean(self)
        else:
            data["lead_units"], data["co_unit_list"] = [], []
        return data


class AssignForm(UnitPickerMixin):
    pass


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class ReportForm(forms.Form):
    text = forms.CharField(label=_("Progress"), widget=forms.Textarea(attrs={"rows": 4}), max_length=10000)
    percent = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
    actual_value = forms.DecimalField(
        label=_("Figure reached"), required=False, max_digits=20, decimal_places=4
    )
    is_completion = forms.BooleanField(label=_("This completes the task"), required=False)
    # The view reads every chosen file (request.FILES.getlist); this field only draws the input.
    attachments = forms.FileField(label=_("Attachments"), required=False, widget=MultipleFileInput())
    supersedes = forms.IntegerField(required=False, widget=forms.HiddenInput)
    idempotency_key = forms.CharField(required=False, max_length=80, widget=forms.HiddenInput)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("Accept")), ("return", _("Return"))])
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Decomposition table (.xlsx)"))
