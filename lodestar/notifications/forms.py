from django import forms
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from lodestar.core.forms import StyledForm

from . import kinds
from .models import Delivery, QuietHours
from .services import set_preference, set_quiet_hours

GROUP_PREFIX = "group__"
KIND_PREFIX = "kind__"


class PreferencesForm(StyledForm):
    """One choice per group of kinds, one per kind the member set apart (e.g. by unsubscribing
    from it), and quiet hours."""

    quiet_starts = forms.TimeField(
        label=_("Quiet from"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    quiet_ends = forms.TimeField(
        label=_("Quiet until"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("In your time zone. A range such as 22:00 to 07:00 runs overnight."),
    )

    def __init__(self, *args, user, prefs: dict[str, str], quiet: QuietHours | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        fields: dict[str, forms.Field] = {}
        for group in kinds.GROUPS.values():
            fields[GROUP_PREFIX + group.key] = forms.ChoiceField(
                label=group.label,
                choices=Delivery.choices,
                initial=prefs.get(kinds.group_preference_key(group), group.default),
                widget=forms.Select(attrs={"class": "form-select"}),
            )
        for key, delivery in sorted(prefs.items()):
            if key.startswith("group:"):
                continue
            info = kinds.kind_info(key)
            fields[KIND_PREFIX + key] = forms.ChoiceField(
                label=info.label,
                choices=[("", _("Same as its group: %(group)s") % {"group": info.group.label})]
                + list(Delivery.choices),
                initial=delivery,
                required=False,
                widget=forms.Select(attrs={"class": "form-select"}),
            )
        self.fields = {**fields, **self.fields}
        if quiet is not None:
            self.fields["quiet_starts"].initial = quiet.starts
            self.fields["quiet_ends"].initial = quiet.ends

    def group_fields(self):
        return [self[name] for name in self.fields if name.startswith(GROUP_PREFIX)]

    def kind_fields(self):
        return [self[name] for name in self.fields if name.startswith(KIND_PREFIX)]

    def clean(self):
        data = super().clean()
        starts, ends = data.get("quiet_starts"), data.get("quiet_ends")
        if (starts is None) != (ends is None):
            raise forms.ValidationError(
                _("Give both ends of your quiet hours, or leave both empty to have none.")
            )
        if starts is not None and starts == ends:
            raise forms.ValidationError(_("Quiet hours must start and end at different times."))
        return data

    @transaction.atomic
    def save(self) -> None:
        for name in self.changed_data:
            if name.startswith(GROUP_PREFIX):
                key = kinds.group_preference_key(name.removeprefix(GROUP_PREFIX))
                set_preference(self.user, key, self.cleaned_data[name])
            elif name.startswith(KIND_PREFIX):
                set_preference(
                    self.user, name.removeprefix(KIND_PREFIX), self.cleaned_data[name] or None
                )
        set_quiet_hours(
            self.user, self.cleaned_data.get("quiet_starts"), self.cleaned_data.get("quiet_ends")
        )
