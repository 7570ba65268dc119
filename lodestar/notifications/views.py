from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from lodestar.core.pagination import paginate

from .services import mark_all_read


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, request.user.notifications.all())
    return render(request, "notifications/list.html", {"page": page})


@login_required
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    mark_all_read(request.user)
    return redirect("notifications:list")
