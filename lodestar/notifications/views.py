from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from lodestar.core.pagination import paginate

from . import kinds
from .forms import PreferencesForm
from .services import (
    mark_all_read,
    mark_read,
    preferences_of,
    quiet_hours_of,
    read_unsubscribe_token,
)
from .services import (
    unsubscribe as unsubscribe_kinds,
)


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, request.user.notifications.all())
    return render(request, "notifications/list.html", {"page": page})


@login_required
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    mark_all_read(request.user)
    return redirect("notifications:list")


@login_required
@require_POST
def read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one notification read; with `open`, go on to the page it points at."""
    n = mark_read(request.user, pk)
    if n is None:
        raise Http404
    safe = url_has_allowed_host_and_scheme(n.url, {request.get_host()}, request.is_secure())
    if "open" in request.POST and n.url and safe:
        return redirect(n.url)
    return redirect("notifications:list")


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = PreferencesForm(
        request.POST or None, user=user, prefs=preferences_of(user), quiet=quiet_hours_of(user)
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your notification settings are saved."))
        return redirect("notifications:preferences")
    groups = [
        (field, [k.label for k in kinds.known_kinds() if k.group.key == key])
        for key, field in zip(kinds.GROUPS, form.group_fields(), strict=True)
    ]
    return render(request, "notifications/preferences.html", {"form": form, "groups": groups})


# Mail clients post here without a session or CSRF token (RFC 8058 one-click unsubscribe: the
# List-Unsubscribe-Post header). The signed token is what authorizes the change, and all it can
# do is turn e-mails off, so CSRF protection is lifted on this view only.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        user_id, kind_keys = read_unsubscribe_token(token)
    except signing.SignatureExpired:
        return _bad_link(request, expired=True)
    except signing.BadSignature:
        return _bad_link(request)
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return _bad_link(request)
    labels = [kinds.kind_info(k).label for k in kind_keys]
    if request.method == "POST":
        unsubscribe_kinds(user, kind_keys)
        return render(request, "notifications/unsubscribe.html", {"done": True, "labels": labels})
    return render(request, "notifications/unsubscribe.html", {"done": False, "labels": labels})


def _bad_link(request: HttpRequest, expired: bool = False) -> HttpResponse:
    return render(
        request, "notifications/unsubscribe_invalid.html", {"expired": expired}, status=400
    )
