"""Forms for assessment pages: shape only; the rules are in the services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from . import criteria as registry
from .models import AssessedLevel, Direction, DirectPlacement, Normalization, TieBreak


class SchemeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    period_label = forms.CharField(label=_("Period"), max_length=40, help_text=_("e.g. 2026年上半年"))
    period_start = forms.DateField(label=_("Period start"), widget=forms.DateInput(attrs={"type": "date"}))
    period_end = forms.DateField(label=_("Period end"), widget=forms.DateInput(attrs={"type": "date"}))
    level = forms.ChoiceField(label=_("Assessed units"), choices=AssessedLevel.choices)
    direct_placement = forms.ChoiceField(
        label=_("County-level cities under the province (定州, 辛集) rank"), choices=DirectPlacement.choices
    )
    tie_break = forms.ChoiceField(label=_("Ties"), choices=TieBreak.choices)
    bottom_n = forms.IntegerField(label=_("Highlight the bottom"), min_value=0, max_value=1000, initial=10)
    ranks_public = forms.BooleanField(label=_("Peers see each other's totals and ranks"), required=False)
    explanations_public = forms.BooleanField(
        label=_("Peers also see each other's explanations"), required=False
    )
    previous = forms.TypedChoiceField(
        label=_("Previous period"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, previous=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["previous"].choices = [("", "—")] + [(s.pk, str(s)) for s in previous]


class CriterionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Criterion"))
    label = forms.CharField(label=_("Label"), max_length=60, required=False)
    weight = forms.DecimalField(label=_("Weight"), max_digits=6, decimal_places=2, min_value=0.01)
    direction = forms.ChoiceField(
        label=_("Better direction"),
        choices=[("", _("As the criterion says"))] + Direction.choices,
        required=False,
    )
    normalization = forms.ChoiceField(label=_("Normalization"), choices=Normalization.choices)
    floor = forms.FloatField(label=_("Floor (scores 0)"), required=False)
    target = forms.FloatField(label=_("Target (scores full marks)"), required=False)
    indicators = forms.CharField(
        label=_("Indicators"),
        required=False,
        help_text=_("For indicator attainment: indicator numbers with weights, e.g. 3:2, 5:1"),
    )
    owner_tasks_only = forms.BooleanField(label=_("Only tasks issued by this unit"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k.key, k.label) for k in registry.kinds()]


class AdjustmentForm(forms.Form):
    unit = forms.ChoiceField(label=_("Unit"))
    points = forms.DecimalField(
        label=_("Points"),
        max_digits=6,
        decimal_places=2,
        help_text=_("Positive for a bonus, negative for a penalty"),
    )
    reason = forms.CharField(label=_("Reason"), max_length=500)
    evidence = forms.CharField(
        label=_("Evidence"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
        help_text=_("Document number, inspection record or link"),
    )

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(u.code, u.name) for u in units]


class VisibilityForm(forms.Form):
    ranks_public = forms.BooleanField(label=_("Peers see each other's totals and ranks"), required=False)
    explanations_public = forms.BooleanField(
        label=_("Peers also see each other's explanations"), required=False
    )


class PublishForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
