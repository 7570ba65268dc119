"""At-risk alerts: the coordinators' list and actions, their thresholds, and the mentor's panel."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lodestar.core.models import audit
from lodestar.core.pagination import paginate, query_without_page
from lodestar.core.web import error_messages
from lodestar.mentoring.hub import Viewer, register_panel
from lodestar.mentoring.models import Relationship
from lodestar.programs.access import get_program_for

from .. import alerts
from ..forms import AlertFilterForm, AlertSettingsForm, MessageForm, ResolveForm


def _panel(relationship: Relationship, viewer: Viewer) -> dict | None:
    # Mentors only, and only what helps them help: never a mentee's pulse or rematch request.
    if not viewer.is_mentor:
        return None
    found = alerts.open_for_mentor(relationship)
    return {"kinds": sorted({a.kind for a in found})} if found else None


register_panel("alerts", "insights/alerts/panel.html", _panel, order=5, column="side")


@login_required
def alert_list(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_program_for(request.user, slug, manage=True)
    form = AlertFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    status = data.get("status") or "open"
    found = alerts.filtered(alerts.alerts_of(program), status, data.get("kind") or "")
    return render(
        request,
        "insights/alerts/list.html",
        {
            "program": program,
            "form": form,
            "page": paginate(request, found),
            "page_query": query_without_page(request),
            "resolve_form": ResolveForm(),
            "message_form": MessageForm(),
        },
    )


@login_required
@require_POST
def alert_action(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    program = get_program_for(request.user, slug, manage=True)
    alert = alerts.get_alert_for(program, pk)
    action = request.POST.get("action", "")
    try:
        if action == "acknowledge":
            alerts.acknowledge(alert, request.user)
            done = _("Alert acknowledged.")
        elif action == "resolve":
            form = ResolveForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Write what was done, for the other coordinators."))
            alerts.resolve(alert, request.user, form.cleaned_data["notes"])
            done = _("Alert resolved.")
        elif action == "message":
            form = MessageForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Write your message (up to 2,000 characters)."))
            count = alerts.message_both(alert, request.user, form.cleaned_data["text"])
            done = _("Your message went to %(n)s people.") % {"n": count}
        elif action == "rematch":
            alerts.suggest_rematch(alert, request.user)
            done = _("The mentee was invited to ask for a new match.")
        else:
            raise ValidationError(_("Choose what to do with the alert."))
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, done)
    back = reverse("insights:alerts", args=[program.slug])
    # Back to the same filtered page; re-encoded, so only a query string can come through.
    query = QueryDict(request.POST.get("next_query", "")).urlencode()
    return redirect(f"{back}?{query}#alert-{alert.pk}" if query else f"{back}#alert-{alert.pk}")


@login_required
def alert_settings(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_program_for(request.user, slug, manage=True)
    limits = alerts.settings_for(program)
    form = AlertSettingsForm(request.POST or None, instance=limits)
    if request.method == "POST":
        if form.is_valid():
            form.save()
            audit(request.user, "alert.settings_changed", limits, program.pk)
            messages.success(request, _("Thresholds saved. The next daily scan uses them."))
            return redirect("insights:alert_settings", program.slug)
        error_messages(request, form)
    return render(request, "insights/alerts/settings.html", {"program": program, "form": form})


urlpatterns = [
    path("program/<slug:slug>/alerts/", alert_list, name="alerts"),
    path("program/<slug:slug>/alerts/settings/", alert_settings, name="alert_settings"),
    path("program/<slug:slug>/alerts/<int:pk>/", alert_action, name="alert"),
]
