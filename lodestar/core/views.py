import logging

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from huey.contrib.djhuey import HUEY

logger = logging.getLogger(__name__)


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        # The reason goes to the log, never into the response: it may name hosts and users.
        logger.warning("Health check: the database does not answer.", exc_info=True)
        return False
    return True


def _queue_ok() -> bool:
    try:
        HUEY.pending_count()
    except Exception:
        logger.warning("Health check: the job queue does not answer.", exc_info=True)
        return False
    return True


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers: 200 when the database and the job queue answer, 503 otherwise."""
    parts = {"database": _database_ok(), "queue": _queue_ok()}
    healthy = all(parts.values())
    body = {"status": "ok" if healthy else "error"}
    body.update({name: "ok" if ok else "error" for name, ok in parts.items()})
    return JsonResponse(body, status=200 if healthy else 503)
