"""Program dashboards: who may see them, what they show, CSVs, and a fixed query budget."""

import csv
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lodestar.insights.queries import SECTIONS

from .conftest import make_user
from .insights_data import populate

pytestmark = pytest.mark.django_db


def _url(program, name="insights:dashboard", *extra):
    return reverse(name, args=[program.slug, *extra])


@pytest.mark.parametrize(
    "who,expected",
    [
        (None, 302),
        ("other_member", 404),
        ("other_coordinator", 404),
        ("other_mentor", 404),
        ("mentee", 404),
        ("mentor", 404),
        ("coordinator", 200),
    ],
)
@pytest.mark.parametrize("view", ["dashboard", "csv"])
def test_only_the_programs_coordinators_see_dashboards(
    request, login, program, who, expected, view
):
    user = request.getfixturevalue(who) if who else None
    url = (
        _url(program) if view == "dashboard" else _url(program, "insights:dashboard_csv", "funnel")
    )
    response = login(user).get(url)
    assert response.status_code == expected
    if expected == 302:
        assert "/accounts/login/" in response["Location"]


def test_dashboard_shows_every_section_with_tables_and_chart_data(login, program, coordinator):
    populate(program, 3)
    response = login(coordinator).get(_url(program))
    assert response.status_code == 200
    html = response.content.decode()
    for key in SECTIONS:
        assert f'id="section-{key}"' in html
        assert _url(program, "insights:dashboard_csv", key) in html
    # Every drawn chart has its embedded data and a real table with a caption.
    assert html.count("<canvas data-chart=") == html.count('type="application/json"')
    assert html.count("<canvas data-chart=") <= html.count("<caption>")
    assert "vendor/chart-4.6.1.umd.min.js" in html and "js/charts.js" in html
    assert "<script>" not in html  # strict CSP: data only, no inline code
    funnel = json.loads(
        html.split('id="chart-data-funnel" type="application/json">')[1].split("</script>")[0]
    )
    assert funnel["labels"][0] == "Applied"
    assert funnel["datasets"][0]["data"][:3] == [3, 3, 3]
    sections = {s.key: s for s in response.context["sections"]}
    stats = dict(sections["satisfaction"].stats)
    # Ratings 4/5, pulses 3,4,5, scale answers 4: 8 of 9 are 4 or 5.
    assert stats["CSAT, all sources (% rating 4 or 5)"] == round(100 * 8 / 9, 1)
    # NPS answers 6, 9, 6: one promoter, two detractors.
    assert stats["NPS"] == round(100 * (1 - 2) / 3, 1)
    assert "SECRET" not in html


def test_section_csv_lists_the_table_cells(login, program, coordinator):
    populate(program, 2)
    response = login(coordinator).get(_url(program, "insights:dashboard_csv", "funnel"))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["table", "row", "column", "value"]
    assert ["From application to completion (mentees)", "Applied", "People", "2"] in rows


def test_unknown_section_csv_is_404(login, program, coordinator):
    response = login(coordinator).get(_url(program, "insights:dashboard_csv", "nope"))
    assert response.status_code == 404


def test_cohort_filter_narrows_and_ignores_bad_values(login, program, coordinator, other_program):
    populate(program, 2)
    client = login(coordinator)
    cohort = program.cohorts.first()
    assert client.get(_url(program), {"cohort": cohort.pk}).context["cohort"] == cohort
    # Another program's cohort, or garbage, falls back to all cohorts instead of leaking.
    other = other_program.cohorts.first()
    assert client.get(_url(program), {"cohort": other.pk}).context["cohort"] is None
    for garbage in ("x'1", "²", "9" * 40):
        assert client.get(_url(program), {"cohort": garbage}).status_code == 200


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("section", [None, *SECTIONS])
def test_query_count_does_not_grow_with_data(login, program, coordinator, section):
    client = login(coordinator)
    url = _url(program) if section is None else _url(program, "insights:dashboard_csv", section)
    populate(program, 2)
    client.get(url)  # the first visit creates the program's insight settings
    small = _queries(client, url)
    populate(program, 8, start=2)
    assert _queries(client, url) == small
    if section is None:
        assert small <= 40


def test_org_view_is_for_instance_admins_only(login, program, coordinator, mentee):
    populate(program, 2)
    url = reverse("insights:org")
    assert login(None).get(url).status_code == 302
    assert login(coordinator).get(url).status_code == 404
    assert login(mentee).get(url).status_code == 404
    admin = make_user("root@example.org", "Root", is_superuser=True, is_staff=True)
    response = login(admin).get(url)
    assert response.status_code == 200
    assert response.context["program"] is None
    assert 'id="section-participation"' in response.content.decode()
