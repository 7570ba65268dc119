"""A member's away periods: no meeting slot is offered to anyone meeting them then."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import away as service
from ..forms import AwayForm


@login_required
def away_list(request: HttpRequest) -> HttpResponse:
    form = AwayForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            service.add_away_period(request.user, data["starts_on"], data["ends_on"], data["note"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Away period added: no meeting will be offered then."))
            return redirect("scheduling:away")
    return render(
        request,
        "scheduling/away/list.html",
        {"periods": service.current_and_future(request.user), "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def away_delete(request: HttpRequest, pk: int) -> HttpResponse:
    if not service.delete_away_period(request.user, pk):
        raise Http404
    messages.success(request, _("Away period removed."))
    return redirect("scheduling:away")


urlpatterns = [
    path("away/", away_list, name="away"),
    path("away/<int:pk>/delete/", away_delete, name="away_delete"),
]
