from django import forms
from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    """Renders every form with the Bootstrap field template, errors tied to their fields."""

    form_template_name = "core/forms/div.html"
    field_template_name = "core/forms/field.html"


_CHECK_WIDGETS = (forms.CheckboxInput, forms.CheckboxSelectMultiple, forms.RadioSelect)


def style_widgets(form: forms.BaseForm) -> None:
    """Give each widget the Bootstrap class of its kind."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, _CHECK_WIDGETS):
            css = "form-check-input"
        elif isinstance(widget, forms.Select | forms.SelectMultiple):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()


class StyledForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)


class StyledModelForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)
