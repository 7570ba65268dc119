"""The anonymous channel: a member writes, coordinators answer in their inbox, the member reads
the answers on a page whose address holds their secret token."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.log import log_response
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from lodestar.core.forms import StyledForm
from lodestar.core.models import audit
from lodestar.core.pagination import paginate, query_without_page
from lodestar.core.web import error_messages
from lodestar.mentoring.hub import Viewer, register_panel
from lodestar.mentoring.models import Relationship
from lodestar.programs.access import get_program_for

from .. import anonymous
from ..models import AnonymousThread


def _panel(relationship: Relationship, viewer: Viewer) -> dict | None:
    # A way in for members; it says nothing about this relationship to anyone.
    return {} if viewer.is_participant else None


register_panel(
    "anonymous_channel", "feedback/anonymous/panel.html", _panel, order=96, column="side"
)


class AnonymousForm(StyledForm):
    kind = forms.ChoiceField(
        label=gettext_lazy("What is it?"),
        choices=AnonymousThread.Kind.choices,
        widget=forms.RadioSelect,
    )
    body = forms.CharField(
        label=gettext_lazy("Your message"),
        max_length=anonymous.MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy(
            "Leave out anything that would tell who you are, unless you want to."
        ),
    )


class ReplyForm(StyledForm):
    body = forms.CharField(
        label=gettext_lazy("Your reply"),
        max_length=anonymous.MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


def _private(response: HttpResponse) -> HttpResponse:
    """Pages that show a token: not cached, not indexed, and no Referer carries the address."""
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response


@login_required
def anonymous_new(request: HttpRequest, slug: str) -> HttpResponse:
    program = anonymous.get_program_for_sender(request.user, slug)
    form = AnonymousForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            try:
                _thread, token = anonymous.open_thread(
                    program, request.user, form.cleaned_data["kind"], form.cleaned_data["body"]
                )
            except ValidationError as exc:
                error_messages(request, exc)
            else:
                # Shown in this response and never again: a redirect would have to keep the
                # token somewhere (the session) next to the member's identity.
                link = request.build_absolute_uri(
                    reverse("feedback:anonymous_thread", args=[token])
                )
                return _private(
                    render(
                        request,
                        "feedback/anonymous/sent.html",
                        {"program": program, "link": link},
                    )
                )
        else:
            error_messages(request, form)
    return render(request, "feedback/anonymous/new.html", {"program": program, "form": form})


# Public: the token in the address is the credential, so it works signed out too, and a
# signed-in visitor is not recorded in any way. Nothing here may log the address in full.
def anonymous_thread(request: HttpRequest, token: str) -> HttpResponse:
    thread = anonymous.thread_for_token(token)
    if thread is None:
        response = render(request, "feedback/anonymous/invalid.html", status=404)
        # Django logs every 4xx with its path; log it once here with the token cut short.
        path_without_token = request.path.replace(token, anonymous.redact(token))
        log_response("Not Found: %s", path_without_token, response=response, request=request)
        return _private(response)
    form = ReplyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            try:
                anonymous.sender_reply(thread, form.cleaned_data["body"])
            except ValidationError as exc:
                error_messages(request, exc)
            else:
                messages.success(request, _("Your reply went to the coordinators."))
                return _private(redirect(request.path))
        else:
            error_messages(request, form)
    return _private(
        render(request, "feedback/anonymous/thread.html", {"thread": thread, "form": form})
    )


@login_required
def anonymous_inbox(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_program_for(request.user, slug, manage=True)
    state = request.GET.get("state", "open")
    if state not in {"open", "closed", "all"}:
        state = "open"
    page = paginate(request, anonymous.inbox(program, state))
    # Anonymous messages are sensitive records: who read which ones is part of the audit trail.
    audit(request.user, "anonymous.read", program, program.pk, state=state, page=page.number,
          ids=[t.pk for t in page.object_list])  # fmt: skip
    return render(
        request,
        "feedback/anonymous/inbox.html",
        {
            "program": program,
            "page": page,
            "state": state,
            "page_query": query_without_page(request),
            "form": ReplyForm(),
        },
    )


@login_required
@require_POST
def anonymous_reply(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    program = get_program_for(request.user, slug, manage=True)
    thread = anonymous.get_thread_for(program, pk)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        error_messages(request, form)
    else:
        try:
            anonymous.coordinator_reply(thread, request.user, form.cleaned_data["body"])
        except ValidationError as exc:
            error_messages(request, exc)
        else:
            messages.success(
                request, _("Your reply is saved. The sender reads it on their private page.")
            )
    return redirect(anonymous.inbox_url(program) + f"#thread-{thread.pk}")


@login_required
@require_POST
def anonymous_close(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    program = get_program_for(request.user, slug, manage=True)
    thread = anonymous.get_thread_for(program, pk)
    try:
        anonymous.close_thread(thread, request.user)
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("The conversation is closed."))
    return redirect(anonymous.inbox_url(program))


urlpatterns = [
    path("program/<slug:slug>/anonymous/new/", anonymous_new, name="anonymous_new"),
    path("program/<slug:slug>/anonymous/", anonymous_inbox, name="anonymous_inbox"),
    path("program/<slug:slug>/anonymous/<int:pk>/reply/", anonymous_reply, name="anonymous_reply"),
    path("program/<slug:slug>/anonymous/<int:pk>/close/", anonymous_close, name="anonymous_close"),
    path("anonymous/<str:token>/", anonymous_thread, name="anonymous_thread"),
]
