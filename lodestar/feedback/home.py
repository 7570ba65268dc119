"""Surveys waiting for the member's answer, on their home page."""

from .surveys import rounds_of


def home_surveys(user) -> dict | None:
    if not user.is_authenticated:
        return None
    waiting = [r for r in rounds_of(user)[0] if r.my_response is None]
    return {"rounds": waiting} if waiting else None
