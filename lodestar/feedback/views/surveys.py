"""Survey pages: the coordinators' builder and results, the members' answers."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lodestar.core.pagination import paginate, query_without_page
from lodestar.core.spreadsheet import csv_response
from lodestar.core.web import attempt, back_query, error_messages
from lodestar.programs.access import get_program_for

from .. import surveys
from ..forms import AnswerForm, QuestionForm, ScheduleForm, SectionForm, SurveyForm, TagsForm
from ..models import Answer, Question, Schedule, Survey

ROUNDS_SHOWN = 20


def _builder(survey: Survey) -> str:
    return reverse("feedback:survey", args=[survey.pk])


# Coordinators: list and builder -------------------------------------------------------------


@login_required
def survey_list(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_program_for(request.user, slug, manage=True)
    found = program.surveys.all()
    return render(
        request,
        "feedback/surveys/list.html",
        {"program": program, "page": paginate(request, found)},
    )


@login_required
def survey_new(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_program_for(request.user, slug, manage=True)
    form = SurveyForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                survey = surveys.create_survey(
                    program, request.user, form.cleaned_data["title"], form.cleaned_data["intro"]
                )
            except ValidationError as exc:
                error_messages(request, exc)
            else:
                messages.success(request, _("Survey created. Now add its questions."))
                return redirect(_builder(survey))
        else:
            error_messages(request, form)
    return render(request, "feedback/surveys/new.html", {"program": program, "form": form})


def _render_builder(request, survey: Survey, question_form=None, schedule_form=None, status=200):
    questions = surveys.questions_of(survey)
    return render(
        request,
        "feedback/surveys/builder.html",
        {
            "program": survey.program,
            "survey": survey,
            "is_draft": survey.status == Survey.Status.DRAFT,
            "questions": questions,
            "sections": list(survey.sections.all()),
            "survey_form": SurveyForm(instance=survey),
            "section_form": SectionForm(),
            "question_form": question_form or QuestionForm(survey=survey),
            "schedule_form": schedule_form or ScheduleForm(survey=survey),
            "schedules": list(
                survey.schedules.select_related("cohort", "track").order_by("-is_active", "id")
            ),
        },
        status=status,
    )


@login_required
def survey_detail(request: HttpRequest, pk: int) -> HttpResponse:
    survey = surveys.get_survey_for(request.user, pk)
    return _render_builder(request, survey)


@login_required
@require_POST
def survey_edit(request: HttpRequest, pk: int) -> HttpResponse:
    survey = surveys.get_survey_for(request.user, pk)
    form = SurveyForm(request.POST)
    if not form.is_valid():
        error_messages(request, form)
        return redirect(_builder(survey))
    data = form.cleaned_data
    attempt(
        request,
        lambda: surveys.update_survey(survey, request.user, data["title"], data["intro"]),
        _("Survey saved."),
    )
    return redirect(_builder(survey))


@login_required
@require_POST
def section_add(request: HttpRequest, pk: int) -> HttpResponse:
    survey = surveys.get_survey_for(request.user, pk)
    form = SectionForm(request.POST)
    if not form.is_valid():
        error_messages(request, form)
        return redirect(_builder(survey))
    title = form.cleaned_data["title"]
    attempt(request, lambda: surveys.add_section(survey, request.user, title), _("Section added."))
    return redirect(_builder(survey))


@login_required
@require_POST
def section_delete(request: HttpRequest, pk: int, section_pk: int) -> HttpResponse:
    survey = surveys.get_survey_for(request.user, pk)
    section = get_object_or_404(survey.sections, pk=section_pk)
    attempt(
        request,
        lambda: surveys.delete_section(section, request.user),
        _("Section removed; its questions stay, outside any section."),
    )
    return redirect(_builder(survey))


def _save_question(request, survey: Survey, form: QuestionForm, question=None) -> bool:
    if not form.is_valid():
        return False
    data = form.cleaned_data
    try:
        surveys.save_question(
            survey,
            request.user,
            kind=data["kind"],
            text=data["text"],
            options=data["options"],
            required=data["required"],
            help_text=data["help_text"],
            section=data["section"],
            order=data["order"],
            question=question,
        )
    except ValidationError as exc:
        form.add_error(None, exc)
        return False
    return True


@login_required
@require_POST
def question_add(request: HttpRequest, pk: int) -> HttpResponse:
    survey = surveys.get_survey_for(request.user, pk)
    form = QuestionForm(request.POST, survey=survey)
    if _save_question(request, survey, form):
        messages.success(request, _("Question added."))
        return redirect(_builder(survey) + "#questions-h")
    return _render_builder(request, survey, question_form=form, status=400)


@login_required
def question_edit(request: HttpRequest, pk: int, question_pk: int) -> HttpResponse:
    survey = surveys.get_survey_for(request.user, pk)
    question = get_object_or_404(survey.questions, pk=question_pk)
    if request.method == "POST":
        form = QuestionForm(request.POST, survey=survey)
        if _save_question(request, survey, form, question):
            messages.success(request, _("Question saved."))
            return redirect(_builder(survey) + "#questions-h")
        status = 400
    else:
        form = QuestionForm(initial=QuestionForm.initial_for(question), survey=survey)
        status = 200
    return render(
        request,
        "feedback/surveys/question_edit.html",
        {
            "program": survey.program,
            "survey": survey,
            "question": question,
            "form": form,
            "is_draft": survey.status == Survey.Status.DRAFT,
        },
        status=status,
    )


@login_required
@require_POST
def question_delete(request: HttpRequest, pk: int, question_pk: int) -> HttpResponse:
    survey = surveys.get_survey_for(request.user, pk)
    question = get_object_or_404(survey.questions, pk=question_pk)
    attempt(
        request, lambda: surveys.delete_question(question, request.user), _("Question removed.")
    )
    return redirect(_builder(survey) + "#questions-h")


@login_required
@require_POST
def question_move(request: HttpRequest, pk: int, question_pk: int) -> HttpResponse:
    survey = surveys.get_survey_for(request.user, pk)
    question = get_object_or_404(survey.questions, pk=question_pk)
    up = request.POST.get("direction") == "up"
    attempt(request, lambda: surveys.move_question(question, request.user, up=up))
    return redirect(_builder(survey) + "#questions-h")


@login_required
def survey_preview(request: HttpRequest, pk: int) -> HttpResponse:
    survey = surveys.get_survey_for(request.user, pk)
    questions = surveys.questions_of(survey)
    form = AnswerForm(questions=questions)
    return render(
        request,
        "feedback/surveys/preview.html",
        {
            "program": survey.program,
            "survey": survey,
            "form": form,
            "groups": _field_groups(form, questions),
        },
    )


@login_required
@require_POST
def survey_open(request: HttpRequest, pk: int) -> HttpResponse:
    survey = surveys.get_survey_for(request.user, pk)
    attempt(
        request,
        lambda: surveys.open_survey(survey, request.user),
        _("The survey is open: its schedules now send it."),
    )
    return redirect(_builder(survey))


@login_required
@require_POST
def survey_close(request: HttpRequest, pk: int) -> HttpResponse:
    survey = surveys.get_survey_for(request.user, pk)
    attempt(
        request,
        lambda: surveys.close_survey(survey, request.user),
        _("The survey is closed. Its results stay available."),
    )
    return redirect(_builder(survey))


@login_required
@require_POST
def schedule_add(request: HttpRequest, pk: int) -> HttpResponse:
    survey = surveys.get_survey_for(request.user, pk)
    form = ScheduleForm(request.POST, survey=survey)
    if form.is_valid():
        try:
            surveys.add_schedule(survey, request.user, form.save(commit=False))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Schedule added."))
            return redirect(_builder(survey) + "#schedules-h")
    return _render_builder(request, survey, schedule_form=form, status=400)


@login_required
@require_POST
def schedule_stop(request: HttpRequest, pk: int, schedule_pk: int) -> HttpResponse:
    survey = surveys.get_survey_for(request.user, pk)
    schedule = get_object_or_404(Schedule.objects.filter(survey=survey), pk=schedule_pk)
    surveys.stop_schedule(schedule, request.user)
    messages.success(request, _("Schedule stopped."))
    return redirect(_builder(survey) + "#schedules-h")


# Coordinators: results ----------------------------------------------------------------------


@login_required
def results(request: HttpRequest, pk: int) -> HttpResponse:
    survey = surveys.get_survey_for(request.user, pk)
    questions = surveys.questions_of(survey)
    text_questions = [q for q in questions if q.kind in surveys.TEXT_KINDS]
    search = request.GET.get("q", "").strip()[:100]
    try:
        question_id = int(request.GET.get("question") or 0)
    except ValueError:
        question_id = 0
    answers = paginate(request, surveys.text_answers(survey, search, question_id or None))
    answered, invited = surveys.overall_rate(survey)
    rounds = list(surveys.round_rates(survey)[:ROUNDS_SHOWN])
    return render(
        request,
        "feedback/surveys/results.html",
        {
            "program": survey.program,
            "survey": survey,
            "results": surveys.question_results(survey, questions),
            "text_questions": text_questions,
            "answers": answers,
            "page_query": query_without_page(request),
            "search": search,
            "question_id": question_id,
            "answered": answered,
            "invited": invited,
            "rate": surveys.metrics.rate(answered, invited),
            "rounds": rounds,
            "round_count": survey.rounds.count() if len(rounds) == ROUNDS_SHOWN else len(rounds),
        },
    )


@login_required
def results_csv(request: HttpRequest, pk: int) -> HttpResponse:
    survey = surveys.get_survey_for(request.user, pk)
    header, rows = surveys.export_rows(survey, surveys.questions_of(survey))
    return csv_response(f"survey-{survey.pk}-responses.csv", header, rows)


@login_required
@require_POST
def answer_tags(request: HttpRequest, pk: int, answer_pk: int) -> HttpResponse:
    survey = surveys.get_survey_for(request.user, pk)
    answer = get_object_or_404(
        Answer.objects.select_related("question__survey").filter(question__survey=survey),
        pk=answer_pk,
    )
    form = TagsForm(request.POST)
    if form.is_valid():
        tags = form.cleaned_data["tags"]
        attempt(request, lambda: surveys.tag_answer(answer, request.user, tags), _("Tags saved."))
    else:
        error_messages(request, form)
    return redirect(
        reverse("feedback:results", args=[survey.pk]) + back_query(request) + "#comments-h"
    )


# Members: my surveys and answering ----------------------------------------------------------


def _field_groups(form: AnswerForm, questions: list[Question]):
    """(section, [bound fields]) in the order members see them."""
    return [
        (section, [form[AnswerForm.name_of(q)] for q in group])
        for section, group in surveys.grouped(questions)
    ]


@login_required
def my_surveys(request: HttpRequest) -> HttpResponse:
    open_rounds, past = surveys.rounds_of(request.user)
    return render(
        request,
        "feedback/surveys/mine.html",
        {"open_rounds": open_rounds, "past": paginate(request, past)},
    )


@login_required
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    found = surveys.get_round_for(request.user, pk)
    survey = found.survey
    questions = surveys.questions_of(survey)
    response = surveys.response_of(found, request.user)
    answerable = surveys.is_answerable(found)
    status = 200
    if request.method == "POST" and answerable:
        form = AnswerForm(request.POST, questions=questions)
        if form.is_valid():
            try:
                surveys.submit_response(found, request.user, form.values())
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request, _("Thank you. You can change your answers until the survey closes.")
                )
                return redirect(reverse("feedback:answer", args=[found.pk]))
        status = 400
    else:
        if request.method == "POST":
            messages.error(request, _("This survey is closed: answers can no longer change."))
        initial = AnswerForm.initial_from(questions, surveys.answers_of(response))
        form = AnswerForm(initial=initial, questions=questions, disabled=not answerable)
    return render(
        request,
        "feedback/surveys/answer.html",
        {
            "round": found,
            "survey": survey,
            "form": form,
            "groups": _field_groups(form, questions),
            "response": response,
            "answerable": answerable,
            "not_yet_open": found.opens_at > timezone.now(),
        },
        status=status,
    )


urlpatterns = [
    path("program/<slug:slug>/surveys/", survey_list, name="surveys"),
    path("program/<slug:slug>/surveys/new/", survey_new, name="survey_new"),
    path("surveys/<int:pk>/", survey_detail, name="survey"),
    path("surveys/<int:pk>/edit/", survey_edit, name="survey_edit"),
    path("surveys/<int:pk>/preview/", survey_preview, name="survey_preview"),
    path("surveys/<int:pk>/open/", survey_open, name="survey_open"),
    path("surveys/<int:pk>/close/", survey_close, name="survey_close"),
    path("surveys/<int:pk>/sections/", section_add, name="section_add"),
    path(
        "surveys/<int:pk>/sections/<int:section_pk>/delete/",
        section_delete,
        name="section_delete",
    ),
    path("surveys/<int:pk>/questions/", question_add, name="question_add"),
    path("surveys/<int:pk>/questions/<int:question_pk>/", question_edit, name="question_edit"),
    path(
        "surveys/<int:pk>/questions/<int:question_pk>/delete/",
        question_delete,
        name="question_delete",
    ),
    path("surveys/<int:pk>/questions/<int:question_pk>/move/", question_move, name="question_move"),
    path("surveys/<int:pk>/schedules/", schedule_add, name="schedule_add"),
    path("surveys/<int:pk>/schedules/<int:schedule_pk>/stop/", schedule_stop, name="schedule_stop"),
    path("surveys/<int:pk>/results/", results, name="results"),
    path("surveys/<int:pk>/results.csv", results_csv, name="results_csv"),
    path("surveys/<int:pk>/answers/<int:answer_pk>/tags/", answer_tags, name="answer_tags"),
    path("surveys/mine/", my_surveys, name="my_surveys"),
    path("rounds/<int:pk>/", answer, name="answer"),
]
