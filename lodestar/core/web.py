"""Small helpers every room's views share."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import HttpRequest


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def error_messages(request: HttpRequest, exc: ValidationError | BaseForm) -> None:
    """Show a service's refusal, or an invalid form's errors, as messages on the next page."""
    if isinstance(exc, BaseForm):
        found = [e for errors in exc.errors.values() for e in errors]
    else:
        found = exc.messages
    for message in found:
        messages.error(request, message)


def attempt(request: HttpRequest, action: Callable[[], object], success: str = "") -> bool:
    """Run a service call for a page: its refusal becomes error messages, its success (if a
    text is given) a success message. True when it went through."""
    try:
        action()
    except ValidationError as exc:
        error_messages(request, exc)
        return False
    if success:
        messages.success(request, success)
    return True


def back_query(request: HttpRequest) -> str:
    """The list filters a form posted back (`back`, a query string) as "?..." to append to
    a redirect, or "" when absent or not a plain query string."""
    back = request.POST.get("back", "")
    return f"?{back}" if back and "//" not in back and "\\" not in back else ""
