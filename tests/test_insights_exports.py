"""CSV exports and the printable program report."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lodestar.accounts.models import DemographicAnswer, DemographicQuestion
from lodestar.core.models import AuditLog
from lodestar.insights.exports import EXPORTS
from lodestar.insights.models import Alert
from lodestar.mentoring.models import Goal, PrivateNote, Reflection, SessionLog

from .insights_data import populate

pytestmark = pytest.mark.django_db

ROLES = [
    (None, 302),
    ("other_member", 404),
    ("other_coordinator", 404),
    ("other_mentor", 404),
    ("mentee", 404),
    ("mentor", 404),
    ("coordinator", 200),
]


def _export(program, what):
    return reverse("insights:export", args=[program.slug, what])


def _rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


@pytest.mark.parametrize("who,expected", ROLES)
@pytest.mark.parametrize("what", ["members", "sessions", "survey_responses"])
def test_only_coordinators_export(request, login, program, who, expected, what):
    user = request.getfixturevalue(who) if who else None
    assert login(user).get(_export(program, what)).status_code == expected


@pytest.mark.parametrize("who,expected", ROLES)
@pytest.mark.parametrize("name", ["insights:report", "insights:report_pdf"])
def test_only_coordinators_see_the_report(request, login, program, who, expected, name):
    user = request.getfixturevalue(who) if who else None
    response = login(user).get(reverse(name, args=[program.slug]))
    assert response.status_code == expected


def test_the_report_downloads_as_a_pdf(login, program, coordinator):
    populate(program, 3)
    cohort = program.cohorts.first()
    response = login(coordinator).get(
        reverse("insights:report_pdf", args=[program.slug]), {"cohort": cohort.pk}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith(
        f'attachment; filename="{program.slug}-report-'
    )
    body = response.content
    assert body.startswith(b"%PDF-") and body.rstrip().endswith(b"%%EOF")
    assert body.count(b"/Type /Page\n") + body.count(b"/Type /Page ") >= 1


def test_the_pdf_story_holds_the_figures_and_escapes_names():
    import datetime as dt

    from reportlab.graphics.shapes import Drawing
    from reportlab.platypus import KeepTogether, Paragraph, Table

    from lodestar.insights.pdf import story
    from lodestar.insights.queries import Chart

    chart = Chart(
        "funnel", "From <i>application</i>", "bar", "Step", ["Applied", "Approved"],
        [("People", [5, 3]), ("Median days", [None, 2.5])], plotted=1,
    )  # fmt: skip
    empty = Chart("survival", "Still active", "line", "Week", [], [("Cohort", [])])
    # One month of data, and a week a cohort has not reached: no line can be drawn.
    short = Chart("months", "Per month", "line", "Month", ["2026-11"], [("Sessions", [4])])
    gappy = Chart(
        "weeks",
        "By week",
        "line",
        "Week",
        [0, 1, 2],
        [("A", [100, 90, 80]), ("B", [100, None, None])],
    )
    flowables = story(
        "<b>Bold & co</b>: program report", "All cohorts.",
        [("Applications", 5), ("NPS", None)], [chart, empty, short, gappy], dt.date(2026, 11, 27),
    )  # fmt: skip

    def texts(items):
        for item in items:
            if isinstance(item, Paragraph):
                yield item.text
            elif isinstance(item, KeepTogether):
                yield from texts(item._content)
            elif isinstance(item, Table):
                for row in item._cellvalues:
                    yield from texts(c for c in row if isinstance(c, Paragraph))
                    yield from (str(c) for c in row if isinstance(c, str))

    found = list(texts(flowables))
    # Markup in names is printed as typed, never interpreted.
    assert "&lt;b&gt;Bold &amp; co&lt;/b&gt;: program report" in found
    assert "From &lt;i&gt;application&lt;/i&gt;" in found
    assert "Applications" in found and "5" in found and "—" in found  # None shows as a dash
    header = ["Step", "People", "Median days"]
    assert [t for t in found if t in header] == header
    assert "No data yet." in found  # the empty chart says so instead of drawing nothing
    drawings = [
        d for k in flowables if isinstance(k, KeepTogether) for d in k._content
        if isinstance(d, Drawing)
    ]  # fmt: skip
    assert len(drawings) == 3
    plot = drawings[0].contents[0]
    assert plot.data == [[5, 3]]  # only the plotted series; the table keeps the others
    # Series with fewer than two points become bars, with gaps as zero-height bars.
    assert [type(d.contents[0]).__name__ for d in drawings[1:]] == ["VerticalBarChart"] * 2
    assert drawings[2].contents[0].data == [[100, 90, 80], [100, 0, 0]]
    # And the whole story renders.
    from lodestar.insights.pdf import report_pdf

    assert (
        report_pdf("P", "All cohorts.", [], [chart, short, gappy], dt.date(2026, 11, 27))[:5]
        == b"%PDF-"
    )


def test_every_export_downloads_and_keeps_private_things_out(
    login, program, coordinator, relationship, mentee, mentor
):
    populate(program, 2)
    session = SessionLog.objects.filter(relationship__program=program).first()
    PrivateNote.objects.create(session=session, author=mentor, body="SECRET PRIVATE NOTE")
    Reflection.objects.create(relationship=relationship, author=mentee, body="SECRET JOURNAL")
    question = DemographicQuestion.objects.create(key="g", label="G", options=["SECRETGROUP"])
    DemographicAnswer.objects.create(user=mentee, question=question, value="SECRETGROUP")
    Goal.objects.create(relationship=relationship, owner=mentee, title="=HYPERLINK(evil)")
    Alert.objects.create(program=program, relationship=relationship, kind="quiet", key="k",
                         detail="Quiet for a while")  # fmt: skip
    client = login(coordinator)
    for what in EXPORTS:
        response = client.get(_export(program, what))
        assert response.status_code == 200, what
        assert response["Content-Type"].startswith("text/csv")
        assert f"{program.slug}-{what}.csv" in response["Content-Disposition"]
        body = response.content.decode()
        assert "SECRET" not in body, what
    goals = _rows(client.get(_export(program, "goals")))
    assert any(row[4] == "'=HYPERLINK(evil)" for row in goals[1:])  # not run as a formula
    members = _rows(client.get(_export(program, "members")))
    assert "email" in members[0] and mentee.email in {row[2] for row in members}
    answers = _rows(client.get(_export(program, "survey_responses")))
    assert {"9", "6", "4"} <= {row[6] for row in answers[1:]}
    assert "user" not in " ".join(answers[0]) and mentee.email not in str(answers)
    assert AuditLog.objects.filter(action="insights.export", program_id=program.pk).count() == 10


def test_exports_filter_by_status_and_cohort(login, program, coordinator, other_program):
    populate(program, 2, status="active")
    populate(program, 3, start=2, status="completed")
    client = login(coordinator)
    rows = _rows(client.get(_export(program, "relationships"), {"status": "completed"}))
    assert len(rows) == 4 and {r[5] for r in rows[1:]} == {"completed"}
    cohort = program.cohorts.first()
    rows = _rows(client.get(_export(program, "sessions"), {"cohort": cohort.pk}))
    assert len(rows) == 6
    # Another program's cohort is no filter at all, never a way into that program.
    rows = _rows(
        client.get(_export(program, "sessions"), {"cohort": other_program.cohorts.get().pk})
    )
    assert len(rows) == 6


def test_bad_export_requests_are_refused_cleanly(login, program, coordinator):
    client = login(coordinator)
    assert client.get(_export(program, "passwords")).status_code == 404
    response = client.get(_export(program, "members"), {"status": "nonsense"})
    assert response.status_code == 400


@pytest.mark.parametrize("what", list(EXPORTS))
def test_export_query_count_does_not_grow(login, program, coordinator, what):
    client = login(coordinator)
    populate(program, 2)
    counts = []
    for extra in (0, 6):
        if extra:
            populate(program, extra, start=2)
        with CaptureQueriesContext(connection) as ctx:
            client.get(_export(program, what))
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_report_has_headline_figures_charts_and_a_print_button(login, program, coordinator):
    populate(program, 3)
    client = login(coordinator)
    cohort = program.cohorts.first()
    url = reverse("insights:report", args=[program.slug])
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, {"cohort": cohort.pk})
    html = response.content.decode()
    assert "data-print" in html and "Download as PDF" in html
    assert reverse("insights:report_pdf", args=[program.slug]) + f"?cohort={cohort.pk}" in html
    assert "onclick" not in html and "<script>" not in html
    assert "chart-data-funnel" in html and "<caption>" in html
    assert "Applications" in html and cohort.name in html
    populate(program, 5, start=3)
    with CaptureQueriesContext(connection) as bigger:
        client.get(url, {"cohort": cohort.pk})
    assert len(bigger.captured_queries) == len(ctx.captured_queries)


def test_xlsx_exports_hold_the_same_rows_and_no_formulas(
    login, program, coordinator, relationship, mentee
):
    from openpyxl import load_workbook

    populate(program, 2)
    Goal.objects.create(relationship=relationship, owner=mentee, title="=HYPERLINK(evil)")
    client = login(coordinator)
    csv_rows = _rows(client.get(_export(program, "goals")))
    response = client.get(_export(program, "goals"), {"format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert f"{program.slug}-goals.xlsx" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [
        [("" if v is None else str(v)) for v in row] for row in sheet.iter_rows(values_only=True)
    ]
    assert cells == csv_rows
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)  # nothing runs
