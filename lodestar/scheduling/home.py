"""The member's next meetings on their home page."""

from django.utils import timezone

from .meetings import meetings_of, upcoming, with_people

HOME_MEETINGS = 5


def home_meetings(user) -> dict | None:
    if not user.is_authenticated:
        return None
    soon = list(with_people(upcoming(meetings_of(user), timezone.now()))[:HOME_MEETINGS])
    if not soon:
        return None
    return {"meetings": soon}
