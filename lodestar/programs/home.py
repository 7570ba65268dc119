"""Sections that rooms above programs add to the member's home page.

A room registers `(template, context_function)` in its AppConfig.ready(); the home page
renders each section whose function returns a context (None hides it).
"""

from collections.abc import Callable

Section = tuple[str, Callable[[object], dict | None]]
_sections: dict[str, Section] = {}


def register_section(name: str, template: str, context: Callable[[object], dict | None]) -> None:
    _sections[name] = (template, context)


def sections_for(user) -> list[tuple[str, dict]]:
    rendered = []
    for _name, (template, context) in sorted(_sections.items()):
        data = context(user)
        if data is not None:
            rendered.append((template, data))
    return rendered
