"""The feedback room's part in a member's self-service export. Anonymous threads are not
theirs to export: nothing links them to the member."""

from .models import Response, SessionRating


def export(user) -> dict:
    responses = Response.objects.filter(user=user).select_related("round__survey")
    return {
        "survey_responses": [
            {
                "survey": r.round.survey.title,
                "submitted_at": r.submitted_at.isoformat(),
                "answers": [
                    {"question": a.question.text, "value": a.value}
                    for a in r.answers.select_related("question")
                ],
            }
            for r in responses
        ],
        "session_ratings": [
            {"session": s.session.occurred_at.isoformat(), "rating": s.rating, "comment": s.comment}
            for s in SessionRating.objects.filter(user=user).select_related("session")
        ],  # fmt: skip
    }
