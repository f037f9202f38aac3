"""Forms for ledgers: shape only (the services check the rules)."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from luoshi.units.models import Level

from .models import Cadence, ColumnType, ImportMode
from .validation import ColumnSpec

RULE_RE = re.compile(
    r"^(?P<column>.+?)\s*(?P<op><=|>=|!=|<|>|=|为空)\s*(?P<value>[^|]*?)\s*[|｜]\s*(?P<message>.+)$"
)
RULE_OPS = {"<": "lt", "<=": "le", ">": "gt", ">=": "ge", "=": "eq", "!=": "ne", "为空": "empty"}
OP_SIGNS = {v: k for k, v in RULE_OPS.items()}
LEVEL_CHOICES = [("", "—"), *Level.choices]


class LedgerForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    key = forms.SlugField(
        label=_("Key"), max_length=50, help_text=_("Lower-case letters, digits and hyphens; never changes.")
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    cadence = forms.ChoiceField(label=_("Cadence"), choices=Cadence.choices)
    assign_root = forms.CharField(
        label=_("Filled under"),
        max_length=40,
        required=False,
        help_text=_("Unit code; empty: your own unit."),
    )
    assign_level = forms.ChoiceField(
        label=_("Filled by every unit of level"),
        choices=LEVEL_CHOICES,
        required=False,
        help_text=_("Empty: the unit above fills it itself."),
    )
    assign_group = forms.ChoiceField(label=_("Or filled by a group"), choices=[("", "—")], required=False)
    row_key = forms.CharField(
        label=_("Row key"),
        max_length=60,
        required=False,
        help_text=_("The column that identifies a row (e.g. 身份证号)."),
    )
    rules = forms.CharField(
        label=_("Alert rules"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One per line: column, comparison, value | message, e.g. 人均纯收入 < 6000 | 纳入动态监测预警"
        ),
    )
    note = forms.CharField(label=_("What changed"), max_length=200, required=False)
    accept_burden = forms.BooleanField(label=_("I confirm the added burden is necessary"), required=False)

    def __init__(self, *args: Any, groups: list[tuple[str, str]] = (), editing: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["assign_group"].choices = [("", "—"), *groups]
        if editing:
            for name in ("key", "assign_root", "assign_level", "assign_group"):
                del self.fields[name]
        else:
            del self.fields["note"]

    def clean_rules(self) -> list[dict[str, str]]:
        out = []
        for n, line in enumerate((self.cleaned_data.get("rules") or "").splitlines(), start=1):
            if not line.strip():
                continue
            m = RULE_RE.match(line.strip())
            if not m:
                raise forms.ValidationError(
                    _("Line %(n)d: write column, comparison, value | message.") % {"n": n}
                )
            out.append(
                {
                    "column": m["column"].strip(),
                    "op": RULE_OPS[m["op"]],
                    "value": m["value"].strip(),
                    "message": m["message"].strip(),
                }
            )
        return out


def rules_text(rules: list[dict[str, str]], labels: dict[str, str]) -> str:
    return "\n".join(
        f"{labels.get(r['column'], r['column'])} {OP_SIGNS.get(r['op'], r['op'])} {r.get('value', '')} | {r['message']}".replace(
            "  ", " "
        )
        for r in rules
    )


class ColumnForm(forms.Form):
    key = forms.CharField(widget=forms.HiddenInput, required=False)
    label = forms.CharField(label=_("Column"), max_length=60, required=False)
    type = forms.ChoiceField(label=_("Type"), choices=[("", "—"), *ColumnType.choices], required=False)
    required = forms.BooleanField(label=_("Required"), required=False)
    min_value = forms.DecimalField(label=_("Minimum"), required=False, max_digits=20, decimal_places=4)
    max_value = forms.DecimalField(label=_("Maximum"), required=False, max_digits=20, decimal_places=4)
    choices = forms.CharField(label=_("Choices"), required=False, help_text=_("Separated by /"))
    pattern = forms.CharField(label=_("Pattern"), required=False, max_length=200)
    sensitive = forms.BooleanField(label=_("Sensitive"), required=False)
    verify_level = forms.ChoiceField(label=_("Changes verified by"), choices=LEVEL_CHOICES, required=False)
    help_text = forms.CharField(label=_("Notes"), required=False, max_length=200)


ColumnFormSet = forms.formset_factory(ColumnForm, extra=4, max_num=60, absolute_max=60)


def column_initial(columns: list[Any]) -> list[dict[str, Any]]:
    return [
        {
            "key": c.key,
            "label": c.label,
            "type": c.type,
            "required": c.required,
            "min_value": c.min_value,
            "max_value": c.max_value,
            "choices": "/".join(c.choices or []),
            "pattern": c.pattern,
            "sensitive": c.sensitive,
            "verify_level": c.verify_level,
            "help_text": c.help_text,
            "verify_values": c.verify_values,
        }
        for c in columns
    ]


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Filled workbook (.xlsx)"))
    mode = forms.ChoiceField(label=_("Rows"), choices=ImportMode.choices, initial=ImportMode.UPSERT)


class DecideForm(forms.Form):
    accept = forms.BooleanField(required=False)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)


def row_input_name(spec: ColumnSpec) -> str:
    return f"c_{spec.key}"
