"""The private calendar feed (public URL, the token is the credential) and its settings."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from .. import feeds as service


@require_GET
def feed(request: HttpRequest, token: str) -> HttpResponse:
    found = service.feed_for_token(token)
    if found is None:
        raise Http404
    response = HttpResponse(
        service.feed_calendar(found.user), content_type="text/calendar; charset=utf-8"
    )
    response["Cache-Control"] = "private, no-cache"
    response["X-Robots-Tag"] = "noindex"
    return response


@login_required
def feed_settings(request: HttpRequest) -> HttpResponse:
    found = service.feed_of(request.user)
    url = service.feed_url(found) if found else ""
    return render(
        request,
        "scheduling/feeds/settings.html",
        {
            "feed": found,
            "url": url,
            "webcal": url.replace("https://", "webcal://", 1).replace("http://", "webcal://", 1),
        },
    )


@login_required
@require_POST
def feed_regenerate(request: HttpRequest) -> HttpResponse:
    had = service.feed_of(request.user) is not None
    service.regenerate_feed(request.user)
    messages.success(
        request,
        _("New calendar address created: the old one no longer works.")
        if had
        else _("Your calendar feed is on."),
    )
    return redirect("scheduling:feed_settings")


@login_required
@require_POST
def feed_delete(request: HttpRequest) -> HttpResponse:
    service.delete_feed(request.user)
    messages.success(request, _("Your calendar feed is off: its address no longer works."))
    return redirect("scheduling:feed_settings")


urlpatterns = [
    path("feed/<slug:token>.ics", feed, name="feed"),
    path("calendar-feed/", feed_settings, name="feed_settings"),
    path("calendar-feed/regenerate/", feed_regenerate, name="feed_regenerate"),
    path("calendar-feed/delete/", feed_delete, name="feed_delete"),
]
