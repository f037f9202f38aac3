"""Forms for indicators: shape only; the rules are in the services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Accumulation, Aggregation, Direction, PeriodType


class IndicatorForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    measure_unit = forms.CharField(label=_("Measure unit"), max_length=20, required=False)
    direction = forms.ChoiceField(label=_("Better direction"), choices=Direction.choices)
    aggregation = forms.ChoiceField(label=_("Aggregation over units"), choices=Aggregation.choices)
    weight = forms.TypedChoiceField(label=_("Weight indicator"), required=False, coerce=int, empty_value=None)
    period_type = forms.ChoiceField(label=_("Period"), choices=PeriodType.choices)
    accumulation = forms.ChoiceField(label=_("Accumulation over periods"), choices=Accumulation.choices)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, weights=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["weight"].choices = [("", "—")] + [(i.pk, i.name) for i in weights]


class ActualForm(forms.Form):
    unit = forms.ChoiceField(label=_("Unit"))
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    period = forms.IntegerField(label=_("Period"), min_value=0, max_value=12)
    value = forms.DecimalField(label=_("Actual"), max_digits=20, decimal_places=4)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(u.code, u.name) for u in units]


class TargetForm(ActualForm):
    value = forms.DecimalField(label=_("Target"), max_digits=20, decimal_places=4)
    baseline = forms.DecimalField(label=_("Baseline"), max_digits=20, decimal_places=4, required=False)


class ImportForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    file = forms.FileField(label=_("Excel file (.xlsx)"))
