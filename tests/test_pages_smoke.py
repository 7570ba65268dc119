"""Every page of the foundation renders for the people meant to see it."""

import pytest
from django.urls import reverse

PAGES_FOR_MEMBER = [
    "home",
    "programs:list",
    "accounts:profile",
    "accounts:profile_edit",
    "accounts:style",
    "accounts:languages",
    "accounts:availability",
    "accounts:skills",
    "accounts:skill_suggest",
    "accounts:demographics",
    "accounts:privacy",
    "accounts:delete",
    "notifications:list",
]

COORDINATOR_PAGES = [
    "programs:detail",
    "programs:edit",
    "programs:review",
    "programs:tracks",
    "programs:cohorts",
    "programs:questions",
    "programs:onboarding",
    "programs:coordinators",
    "programs:invitations",
    "programs:apply",
]


@pytest.mark.django_db
@pytest.mark.parametrize("name", PAGES_FOR_MEMBER)
def test_member_pages_render(login, mentee, name):
    response = login(mentee).get(reverse(name))
    assert response.status_code == 200
    assert b"<main" in response.content


@pytest.mark.django_db
@pytest.mark.parametrize("name", COORDINATOR_PAGES)
def test_coordinator_pages_render(login, coordinator, program, name):
    response = login(coordinator).get(reverse(name, args=[program.slug]))
    assert response.status_code == 200, response.content[:500]


@pytest.mark.django_db
def test_landing_page_for_anonymous(client, program):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert program.name.encode() in response.content
