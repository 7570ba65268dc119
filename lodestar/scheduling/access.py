"""Who may reach a meeting: its relationship's participants, and read-only its coordinators."""

from django.http import Http404

from lodestar.mentoring.access import get_relationship_for

from .meetings import with_people
from .models import Meeting


def get_meeting_for(user, pk: int, participate: bool = False) -> Meeting:
    """The meeting through its relationship's access rule; 404 for everyone else.

    `participate` admits the relationship's participants only (answering, moving, cancelling).
    """
    meeting = with_people(Meeting.objects.filter(pk=pk)).first()
    if meeting is None:
        raise Http404
    relationship = get_relationship_for(user, meeting.relationship_id, participate=participate)
    meeting.relationship = relationship
    return meeting
