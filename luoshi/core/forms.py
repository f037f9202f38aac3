from django import forms
from django.utils.translation import gettext_lazy as _

from .models import CalendarDay


class CalendarDaysForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label=_("Kind"), choices=CalendarDay.Kind.choices)
    name = forms.CharField(label=_("Name"), max_length=40, required=False, help_text=_("E.g. 春节, 国庆节"))
