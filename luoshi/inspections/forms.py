"""Forms: shape only (types, required, lengths). Rules live in the services."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from luoshi.accounts.models import Role, User
from luoshi.units.models import Level, Unit, UnitGroup
from luoshi.units.selectors import group_members, resolve_names

from .models import Checklist, Draw, FindingSource, ItemKind, Severity

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
PASS_WORDS = {"", "是否", "通过", "pass", "合格"}
EXTERNAL = [(k, label) for k, label in FindingSource.choices if k not in ("spot_check", "self_check")]


class ChecklistForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )
    items = forms.CharField(
        label=_("Items"),
        max_length=50000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "One item per line: item | standard | maximum score (leave the score out for pass/fail); "
            "e.g. 队伍人员到位 | 到位率100% | 10"
        ),
    )

    def clean_items(self) -> list[dict]:
        out = []
        for n, line in enumerate(self.cleaned_data["items"].splitlines(), start=1):
            parts = [p.strip() for p in re.split(r"[|｜]", line)]
            if not parts[0]:
                continue
            if len(parts) > 3:
                raise forms.ValidationError(_("Line %(n)d: write “item | standard | score”.") % {"n": n})
            text, standard, score = (parts + ["", ""])[:3]
            if score.lower() in PASS_WORDS:
                out.append({"text": text, "standard": standard, "kind": ItemKind.PASS})
                continue
            try:
                value = Decimal(score.rstrip("分"))
            except InvalidOperation:
                raise forms.ValidationError(
                    _("Line %(n)d: the score “%(s)s” is not a number.") % {"n": n, "s": score}
                ) from None
            out.append({"text": text, "standard": standard, "kind": ItemKind.SCORE, "max_score": value})
        if not out:
            raise forms.ValidationError(_("A checklist needs at least one item."))
        return out


class UnitsPicker(forms.Form):
    """Units below ``owner``: direct subordinates as checkboxes, a saved group, or names."""

    units = forms.ModelMultipleChoiceField(
        label=_("Units"), queryset=Unit.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    group = forms.ModelChoiceField(label=_("Or a group"), queryset=UnitGroup.objects.none(), required=False)
    other_units = forms.CharField(
        label=_("Other units"),
        required=False,
        max_length=2000,
        help_text=_("Names, short names or codes, separated by 、 or commas."),
    )

    def __init__(self, *args, owner: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner = owner
        self.fields["units"].queryset = owner.children.filter(retired_at__isnull=True).order_by(
            "kind", "code"
        )
        self.fields["group"].queryset = UnitGroup.objects.filter(owner=owner)

    def clean(self):
        data = super().clean()
        picked = list(data.get("units") or [])
        if data.get("group"):
            picked += [u for u in group_members(data["group"]) if u not in picked]
        more, errors = resolve_names(self.owner, data.get("other_units", ""))
        picked += [u for u in more if u not in picked]
        if errors:
            self.add_error("other_units", errors)
        if not picked and not errors:
            self.add_error("units", _("Choose at least one unit."))
        data["picked"] = picked
        return data


class SendForm(UnitsPicker):
    deadline = forms.DateField(label=_("Deadline"), widget=DATE_WIDGET)


def answer_form(checklist: Checklist, answers: dict, data=None) -> forms.Form:
    """A form with one group of fields per checklist item, pre-filled from ``answers``."""
    form = forms.Form(data)
    for item in checklist.items.all():
        a = answers.get(item.pk)
        if item.kind == ItemKind.PASS:
            initial = "" if a is None or a.passed is None else ("1" if a.passed else "0")
            form.fields[f"passed_{item.pk}"] = forms.ChoiceField(
                label=_("Result"),
                required=False,
                choices=[("", "—"), ("1", _("Pass")), ("0", _("Fail"))],
                initial=initial,
            )
        else:
            form.fields[f"score_{item.pk}"] = forms.DecimalField(
                label=_("Score (max %(max)s)") % {"max": item.max_score},
                required=False,
                min_value=0,
                max_value=item.max_score,
                max_digits=7,
                decimal_places=2,
                initial=a.score if a else None,
            )
        form.fields[f"note_{item.pk}"] = forms.CharField(
            label=_("Note"), required=False, max_length=2000, initial=a.note if a else ""
        )
        form.fields[f"evidence_{item.pk}"] = forms.CharField(
            label=_("Evidence"),
            required=False,
            max_length=2000,
            initial=a.evidence if a else "",
            widget=forms.Textarea(attrs={"rows": 2}),
            help_text=_("Documents, ledgers or photos that show it, with their numbers or locations."),
        )
    return form


def answers_from(form: forms.Form, checklist: Checklist) -> list[dict]:
    out = []
    for item in checklist.items.all():
        d = form.cleaned_data
        spec = {
            "item": item.pk,
            "note": d.get(f"note_{item.pk}", ""),
            "evidence": d.get(f"evidence_{item.pk}", ""),
        }
        if item.kind == ItemKind.PASS:
            raw = d.get(f"passed_{item.pk}", "")
            spec["passed"] = None if raw == "" else raw == "1"
        else:
            spec["score"] = d.get(f"score_{item.pk}")
        out.append(spec)
    return out


class DrawForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    date = forms.DateField(label=_("Draw date"), widget=DATE_WIDGET)
    levels = forms.MultipleChoiceField(
        label=_("Draw from"),
        choices=[(v, label) for v, label in Level.choices if v != Level.PROVINCE],
        widget=forms.CheckboxSelectMultiple,
    )
    strata = forms.ChoiceField(label=_("Stratify"), choices=Draw.Strata.choices, initial=Draw.Strata.NONE)
    share_percent = forms.DecimalField(
        label=_("Share to draw (%)"),
        required=False,
        min_value=Decimal("0.01"),
        max_value=100,
        decimal_places=2,
    )
    count = forms.IntegerField(label=_("Or a number of units"), required=False, min_value=1, max_value=100000)
    exclude_months = forms.IntegerField(
        label=_("Leave out units checked within (months)"), min_value=0, max_value=120, initial=12
    )
    inspectors = forms.ModelMultipleChoiceField(
        label=_("Inspector pool"), queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    inspectors_per_unit = forms.IntegerField(
        label=_("Inspectors per unit"), min_value=1, max_value=10, initial=2
    )
    checklist = forms.ModelChoiceField(
        label=_("Checklist"), queryset=Checklist.objects.none(), required=False
    )
    seed = forms.CharField(
        label=_("Seed"),
        required=False,
        max_length=64,
        help_text=_("Leave empty for a random seed; it is published with the draw either way."),
    )

    def __init__(self, *args, owner: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        # The pool: supervisors of the organizer and of the units directly under it.
        self.fields["inspectors"].queryset = pool_for(owner)
        self.fields["inspectors"].label_from_instance = lambda u: f"{u}（{u.unit.name}）"
        self.fields["checklist"].queryset = Checklist.objects.filter(owner=owner)

    def clean(self):
        data = super().clean()
        if (data.get("share_percent") is None) == (data.get("count") is None):
            raise forms.ValidationError(_("Give either a share or a number of units to draw."))
        return data


def pool_for(owner: Unit):
    """Supervisors of ``owner`` and of its direct subordinate units (roles are a JSON list,
    read in Python: a few dozen rows)."""
    users = User.objects.filter(is_active=True).filter(Q(unit=owner) | Q(unit__parent=owner))
    ids = [pk for pk, roles in users.values_list("pk", "roles") if Role.SUPERVISOR in (roles or [])]
    return User.objects.filter(pk__in=ids).select_related("unit").order_by("unit__path", "username")


class FindingFieldsForm(forms.Form):
    description = forms.CharField(
        label=_("Problem"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    category = forms.CharField(
        label=_("Problem category"),
        required=False,
        max_length=120,
        help_text=_("The same category found again in the same unit counts as a repeat problem."),
    )
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices, initial=Severity.GENERAL)
    measures = forms.CharField(
        label=_("Rectification measures"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    deadline = forms.DateField(label=_("Rectification deadline"), widget=DATE_WIDGET)


class CheckFindingForm(FindingFieldsForm):
    """A finding on an inspection or a self-inspection, optionally against a checklist item."""

    item = forms.ModelChoiceField(label=_("Checklist item"), queryset=None, required=False)

    def __init__(self, *args, checklist: Checklist | None, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import ChecklistItem

        self.fields["item"].queryset = (
            checklist.items.all() if checklist is not None else ChecklistItem.objects.none()
        )
        self.order_fields(["item", "description"])


class ExternalFindingForm(FindingFieldsForm):
    """A problem entered from an audit, an inspection tour, supervision or an assessment."""

    source_kind = forms.ChoiceField(label=_("Found by"), choices=EXTERNAL)
    source_ref = forms.CharField(
        label=_("Source"), required=False, max_length=200, help_text=_("e.g. 省委第三巡视组反馈意见")
    )
    unit = forms.CharField(label=_("Responsible unit"), max_length=100)
    found_on = forms.DateField(label=_("Found on"), widget=DATE_WIDGET)

    field_order = ["source_kind", "source_ref", "unit", "found_on", "description"]

    def __init__(self, *args, issuer: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.issuer = issuer

    def clean_unit(self) -> Unit:
        units, errors = resolve_names(self.issuer, self.cleaned_data["unit"])
        if errors:
            raise forms.ValidationError(errors)
        if len(units) != 1:
            raise forms.ValidationError(_("Name one responsible unit."))
        return units[0]


class CloseForm(forms.Form):
    note = forms.CharField(
        label=_("Verification note"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000)
    deadline = forms.DateField(label=_("New deadline"), widget=DATE_WIDGET)


class MeasuresForm(forms.Form):
    measures = forms.CharField(
        label=_("Rectification measures"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
