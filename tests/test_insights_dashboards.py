"""Program dashboards: who may see them, what they show, CSVs, and a fixed query budget."""

import csv
import io
import json
import re

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
@pytest.mark.parametrize("view", ["dashboard", "section", "csv"])
def test_only_the_programs_coordinators_see_dashboards(
    request, login, program, who, expected, view
):
    user = request.getfixturevalue(who) if who else None
    url = {
        "dashboard": _url(program),
        "section": _url(program, "insights:dashboard_section", "funnel"),
        "csv": _url(program, "insights:dashboard_csv", "funnel"),
    }[view]
    response = login(user).get(url)
    assert response.status_code == expected
    if expected == 302:
        assert "/accounts/login/" in response["Location"]


def test_the_dashboard_frame_loads_every_section_on_its_own_request(login, program, coordinator):
    populate(program, 3)
    cohort = program.cohorts.first()
    with CaptureQueriesContext(connection) as ctx:
        response = login(coordinator).get(_url(program), {"cohort": cohort.pk})
    assert response.status_code == 200
    # The frame computes no section: it reads neither sessions nor answers.
    sql = " ".join(q["sql"] for q in ctx.captured_queries)
    assert "mentoring_sessiontally" not in sql and "feedback_answer" not in sql
    html = response.content.decode()
    for key in SECTIONS:
        url = _url(program, "insights:dashboard_section", key) + f"?cohort={cohort.pk}"
        assert f'hx-get="{url}"' in html  # loads itself...
        assert f'<a href="{url}">' in html  # ...or is one link away without JavaScript
        assert f'id="section-{key}"' in html
    assert "vendor/chart-4.6.1.umd.min.js" in html and "js/charts.js" in html


def _section(client, program, key, htmx=False):
    headers = {"HX-Request": "true"} if htmx else {}
    response = client.get(_url(program, "insights:dashboard_section", key), headers=headers)
    assert response.status_code == 200
    assert "HX-Request" in response["Vary"]
    return response


def test_a_section_shows_its_tables_and_chart_data(login, program, coordinator):
    populate(program, 3)
    client = login(coordinator)
    page = _section(client, program, "funnel").content.decode()
    fragment = _section(client, program, "funnel", htmx=True).content.decode()
    # The page has the site around it and links to the other sections; the fragment is
    # only the section card that replaces its placeholder.
    assert "<html" in page and "<html" not in fragment
    assert _url(program, "insights:dashboard_section", "retention") in page
    assert fragment.lstrip().startswith('<section class="card')
    for html in (page, fragment):
        assert 'id="section-funnel"' in html
        assert _url(program, "insights:dashboard_csv", "funnel") in html
        # Every drawn chart has its embedded data and a real table with a caption.
        assert html.count("<canvas data-chart=") == html.count('type="application/json"')
        assert html.count("<canvas data-chart=") <= html.count("<caption>")
        assert "<script>" not in html  # strict CSP: data only, no inline code
        funnel = json.loads(
            html.split('id="chart-data-funnel" type="application/json">')[1].split("</script>")[0]
        )
        assert funnel["labels"][0] == "Applied"
        assert funnel["datasets"][0]["data"][:3] == [3, 3, 3]
    satisfaction = _section(client, program, "satisfaction").context["section"]
    # Months are named alike on SQLite (text) and PostgreSQL (date_trunc).
    over_time = next(c for c in satisfaction.charts if c.key == "satisfaction-over-time")
    assert over_time.labels and all(re.fullmatch(r"\d{4}-\d{2}", m) for m in over_time.labels)
    stats = dict(satisfaction.stats)
    # Ratings 4/5, pulses 3,4,5, scale answers 4: 8 of 9 are 4 or 5.
    assert stats["CSAT, all sources (% rating 4 or 5)"] == round(100 * 8 / 9, 1)
    # NPS answers 6, 9, 6: one promoter, two detractors.
    assert stats["NPS"] == round(100 * (1 - 2) / 3, 1)
    for key in SECTIONS:
        assert "SECRET" not in _section(client, program, key).content.decode()


def test_sessions_per_month_and_hours_come_from_the_kept_figures(login, program, coordinator):
    populate(program, 3)  # one 60-minute session 50 days ago per relationship
    client = login(coordinator)
    section = _section(client, program, "participation").context["section"]
    chart = next(c for c in section.charts if c.key == "sessions-per-month")
    assert sum(chart.series[0][1]) == 3 and sum(chart.series[1][1]) == 3.0
    load = dict(_section(client, program, "load").context["section"].stats)
    assert load["Mentoring hours logged"] == 3.0


def test_an_unknown_section_is_404(login, program, coordinator):
    response = login(coordinator).get(_url(program, "insights:dashboard_section", "nope"))
    assert response.status_code == 404


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
    url = _url(program) if section is None else _url(program, "insights:dashboard_section", section)
    populate(program, 2)
    client.get(url)  # the first visit creates the program's insight settings
    small = _queries(client, url)
    populate(program, 8, start=2)
    assert _queries(client, url) == small
    if section is None:
        assert small <= 12  # the frame computes nothing


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


def test_org_sections_are_for_instance_admins_only(login, program, other_program, coordinator):
    populate(program, 2)
    populate(other_program, 1)
    url = reverse("insights:org_section", args=["funnel"])
    assert login(None).get(url).status_code == 302
    assert login(coordinator).get(url).status_code == 404
    admin = make_user("root@example.org", "Root", is_superuser=True, is_staff=True)
    response = login(admin).get(url)
    assert response.status_code == 200
    # Every program counts: three mentees applied across the two programs.
    chart = response.context["section"].charts[0]
    assert chart.series[0][1][0] == 3
    assert login(admin).get(reverse("insights:org_section", args=["nope"])).status_code == 404
    frame = login(admin).get(reverse("insights:org")).content.decode()
    assert f'hx-get="{url}"' in frame
