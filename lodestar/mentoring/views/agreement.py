"""The agreement: its panel on the relationship page, its versions, drafting and accepting."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lodestar.core.web import error_messages

from .. import agreements
from ..access import get_relationship_for, viewer_of
from ..forms.agreement import AgreementForm
from ..hub import Viewer, register_panel
from ..models import Relationship
from ..states import Status


def _summary(relationship: Relationship, viewer: Viewer) -> dict:
    found = agreements.versions(relationship)
    pending = agreements.pending(found)
    accepted_by_me = pending is not None and any(
        a.user_id == viewer.user.pk for a in pending.acceptances.all()
    )
    return {
        "versions": found,
        "in_force": agreements.in_force(found),
        "pending": pending,
        "waiting_for": agreements.waiting_for(relationship, pending) if pending else [],
        "can_accept": bool(
            viewer.is_participant and relationship.is_open and pending and not accepted_by_me
        ),
        "can_draft": viewer.is_participant and relationship.is_open,
        "is_proposed": relationship.status == Status.PROPOSED,
    }


def panel_context(relationship: Relationship, viewer: Viewer) -> dict:
    return _summary(relationship, viewer)


register_panel("agreement", "mentoring/agreement/panel.html", panel_context, order=10)


@login_required
def agreement_page(request: HttpRequest, pk: int) -> HttpResponse:
    relationship = get_relationship_for(request.user, pk)
    viewer = viewer_of(relationship, request.user)
    return render(
        request,
        "mentoring/agreement/page.html",
        {"relationship": relationship, "viewer": viewer, **_summary(relationship, viewer)},
    )


@login_required
def agreement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    relationship = get_relationship_for(request.user, pk, participate=True)
    if not relationship.is_open:
        messages.error(request, _("This relationship is closed: its agreement cannot change."))
        return redirect("mentoring:agreement", pk)
    form = AgreementForm(
        request.POST if request.method == "POST" else None,
        initial=agreements.initial_for(relationship),
    )
    if request.method == "POST" and form.is_valid():
        try:
            agreement = agreements.draft_agreement(relationship, request.user, form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if agreement.accepted_at:
                messages.success(request, _("The agreement is accepted."))
            else:
                messages.success(
                    request,
                    _("Version %(v)s is drafted; the others are asked to accept it.")
                    % {"v": agreement.version},
                )
            return redirect("mentoring:agreement", pk)
    latest = relationship.agreements.order_by("-version").values_list("version", flat=True).first()
    return render(
        request,
        "mentoring/agreement/edit.html",
        {"relationship": relationship, "form": form, "next_version": (latest or 0) + 1},
    )


@login_required
@require_POST
def agreement_accept(request: HttpRequest, pk: int) -> HttpResponse:
    relationship = get_relationship_for(request.user, pk, participate=True)
    back = (
        reverse("mentoring:agreement", args=[pk])
        if request.POST.get("back") == "agreement"
        else relationship.get_absolute_url()
    )
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        messages.error(request, _("Say which version you accept."))
        return redirect(back)
    try:
        agreement = agreements.accept_agreement(relationship, request.user, version)
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        if agreement.accepted_at:
            messages.success(request, _("Everyone accepted the agreement: it is now in force."))
        else:
            messages.success(request, _("You accepted the agreement."))
    return redirect(back)


urlpatterns = [
    path("<int:pk>/agreement/", agreement_page, name="agreement"),
    path("<int:pk>/agreement/edit/", agreement_edit, name="agreement_edit"),
    path("<int:pk>/agreement/accept/", agreement_accept, name="agreement_accept"),
]
