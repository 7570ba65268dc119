"""Panels of the relationship page, the pair's shared workspace.

Each part of a relationship (agreement, goals, sessions, check-ins, ...) and any room above
mentoring (scheduling, feedback) registers a panel: a template and a function that builds its
context for one viewer, or returns None to hide it. The function gets a `Viewer`, which says
whether the viewer takes part in the relationship or coordinates its program: coordinators see
agreements, goals, session metadata and check-in scores, never private notes or journals.
"""

from collections.abc import Callable
from dataclasses import dataclass

from .models import Participant, Relationship


@dataclass(frozen=True)
class Viewer:
    user: object
    role: str | None  # "mentor", "mentee", "peer", or None for a coordinator
    is_coordinator: bool

    @property
    def is_participant(self) -> bool:
        return self.role is not None

    @property
    def is_mentor(self) -> bool:
        return self.role == Participant.Role.MENTOR

    @property
    def is_mentee(self) -> bool:
        return self.role in {Participant.Role.MENTEE, Participant.Role.PEER}


@dataclass(frozen=True)
class Panel:
    name: str
    template: str
    context: Callable[[Relationship, Viewer], dict | None]
    order: int
    column: str  # "main" or "side"


_panels: dict[str, Panel] = {}


def register_panel(
    name: str,
    template: str,
    context: Callable[[Relationship, Viewer], dict | None],
    order: int = 50,
    column: str = "main",
) -> None:
    _panels[name] = Panel(name, template, context, order, column)


def panels_for(relationship: Relationship, viewer: Viewer) -> dict[str, list[tuple[str, dict]]]:
    """The panels to show, by column, each as (template, context)."""
    columns: dict[str, list[tuple[str, dict]]] = {"main": [], "side": []}
    for panel in sorted(_panels.values(), key=lambda p: (p.order, p.name)):
        data = panel.context(relationship, viewer)
        if data is not None:
            columns[panel.column].append((panel.template, data))
    return columns
