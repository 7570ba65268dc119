"""Program announcements: members read those addressed to them, coordinators write and see
who has read them. Everyone else gets 404."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lodestar.core.forms import StyledModelForm
from lodestar.core.pagination import paginate
from lodestar.core.web import error_messages

from . import announcements as service
from .access import get_program_for, is_coordinator
from .models import Announcement, Program


class AnnouncementForm(StyledModelForm):
    class Meta:
        model = Announcement
        fields = ["title", "body", "role", "cohort"]
        widgets = {"body": forms.Textarea(attrs={"rows": 6})}
        labels = {
            "role": gettext_lazy("Only for (role)"),
            "cohort": gettext_lazy("Only for (cohort)"),
        }

    def __init__(self, *args, program: Program, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = program.cohorts.all()
        self.fields["role"].choices = [("", _("Everyone"))] + list(self.fields["role"].choices)[1:]
        self.fields["cohort"].empty_label = _("All cohorts")


def _program_for_reader(user, slug: str) -> tuple[Program, bool]:
    """The program and whether `user` manages it; 404 unless a coordinator or admitted member."""
    program = get_program_for(user, slug)
    if is_coordinator(user, program):
        return program, True
    if not service.is_admitted(user, program):
        raise Http404
    return program, False


@login_required
def announcements(request: HttpRequest, slug: str) -> HttpResponse:
    program, manage = _program_for_reader(request.user, slug)
    form = None
    if manage:
        form = AnnouncementForm(request.POST or None, program=program)
        if request.method == "POST" and form.is_valid():
            try:
                announcement = service.post_announcement(request.user, program, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Announcement sent."))
                return redirect("programs:announcement", program.slug, announcement.pk)
    elif request.method == "POST":
        raise Http404
    if manage:
        items = program.announcements.select_related("author__profile", "cohort")
    else:
        items = service.for_member(request.user, program)
    page = paginate(request, items)
    page.object_list = list(page.object_list)
    if manage:
        service.with_read_counts(page.object_list, program)
    return render(
        request,
        "programs/announcements/list.html",
        {"program": program, "manage": manage, "page": page, "form": form},
    )


@login_required
def announcement(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The announcement; members react ("was this clear?") and ask, coordinators answer."""
    program, manage = _program_for_reader(request.user, slug)
    if manage:
        items = program.announcements.select_related("author__profile", "cohort")
    else:
        items = service.for_member(request.user, program)
    item = items.filter(pk=pk).first()
    if item is None:
        raise Http404
    if request.method == "POST":
        return _act(request, program, item, manage)
    if manage:
        service.with_read_counts([item], program)
    else:
        service.mark_read(request.user, item)
    mine = item.reactions.filter(user=request.user).first()
    return render(
        request,
        "programs/announcements/detail.html",
        {
            "program": program,
            "manage": manage,
            "announcement": item,
            "clarity": service.clarity(item) if manage else None,
            "my_reaction": mine,
            "questions": item.questions.select_related("author__profile", "answered_by__profile"),
        },
    )


def _act(request: HttpRequest, program: Program, item: Announcement, manage: bool):
    action = request.POST.get("action", "")
    try:
        if action in {"clear", "unclear"} and not manage:
            service.react(request.user, item, clear=action == "clear")
            messages.success(request, _("Thank you: the coordinators see how clear it was."))
        elif action == "ask" and not manage:
            service.ask(request.user, item, request.POST.get("body", ""))
            messages.success(request, _("Your question is sent; the answer will show here."))
        elif action == "answer" and manage:
            raw = request.POST.get("question", "")
            if not (raw.isascii() and raw.isdigit()) or len(raw) > 18:
                raise Http404
            question = item.questions.filter(pk=int(raw)).first()
            if question is None:
                raise Http404
            service.answer(request.user, question, request.POST.get("answer", ""))
            messages.success(request, _("Answer posted."))
        else:
            raise Http404
    except ValidationError as exc:
        error_messages(request, exc)
    return redirect("programs:announcement", program.slug, item.pk)


urlpatterns = [
    path("<slug:slug>/announcements/", announcements, name="announcements"),
    path("<slug:slug>/announcements/<int:pk>/", announcement, name="announcement"),
]
