"""`Idempotency-Key` on every API POST: a retry with the same key gets the first response again.

The contract, for clients:
- A key is 1 to 255 visible ASCII characters, chosen by the client (a UUID is a good choice).
- Keys belong to the token's user: another user's identical key is unrelated.
- For 24 hours the first response (status and body) is replayed, with `Idempotent-Replayed: true`,
  and the request is not executed again.
- The same key with another request (method, path or body differ) is refused with a 422.
- Requests refused before they run (401, or a 422 for a malformed request) are not recorded.
- Two requests racing with the same new key do not both run: the second waits until the first
  has finished and then gets its response replayed (or runs itself if the first failed with an
  error, which is never recorded). On SQLite the wait is the database write lock; on PostgreSQL
  it is the unique index on (user, key), which holds the second insert until the first commits.

How: `install(api)` adds two ninja decorators. The outer one ("view" mode, before
authentication) runs the whole request in one transaction; the inner one ("operation" mode,
after authentication and validation, so the user is known) claims the key by inserting the
record, or answers from it. The outer one then stores the response in the claimed record, in the
same transaction as the request's own changes: both are kept, or neither.
"""

import hashlib
import json
import re
from collections.abc import Callable
from datetime import timedelta
from functools import wraps

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from ninja import NinjaAPI

from .models import IdempotencyRecord
from .schemas import ValidationErrorOut, component

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
KEY_PATTERN = r"^[\x21-\x7e]{1,255}$"
TTL = timedelta(hours=24)

_key_re = re.compile(KEY_PATTERN)


def _canonical_body(body: bytes) -> bytes:
    # A retry may serialize the same JSON with its keys in another order: that is no new request.
    try:
        return json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
    except (ValueError, RecursionError):
        return body


def fingerprint(request: HttpRequest) -> str:
    digest = hashlib.sha256()
    body = _canonical_body(request.body)
    for part in (request.method.encode(), request.get_full_path().encode(), body):
        # Length-prefixed, so no two different requests hash the same parts.
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def _wants_idempotency(request: HttpRequest) -> bool:
    return request.method == "POST" and HEADER in request.headers


def _key_error(kind: str, message: str, status: int = 422) -> JsonResponse:
    # The same shape as the API's other validation errors, so clients read one format.
    detail = [{"type": kind, "loc": ["header", HEADER], "msg": message}]
    return JsonResponse({"detail": detail}, status=status)


def _replay(record: IdempotencyRecord) -> HttpResponse:
    response = HttpResponse(
        record.body, status=record.status_code, content_type=record.content_type
    )
    response[REPLAYED_HEADER] = "true"
    return response


def _claim(user, key: str, request_fingerprint: str) -> IdempotencyRecord | HttpResponse:
    """The new record this request owns, or the response to give instead of running."""
    now = timezone.now()
    # An expired record is as good as absent; clearing it first lets the key be used again.
    IdempotencyRecord.objects.expired(now).filter(user=user, key=key).delete()
    try:
        with transaction.atomic():
            return IdempotencyRecord.objects.create(
                user=user, key=key, fingerprint=request_fingerprint, expires_at=now + TTL
            )
    except IntegrityError:
        pass
    existing = IdempotencyRecord.objects.filter(user=user, key=key).first()
    if existing is None or existing.status_code is None:
        # Only when the first request disappeared between our insert and this read: rare.
        return _key_error(
            "idempotency_key_in_use",
            "A request with this Idempotency-Key is being processed; retry shortly.",
            status=409,
        )
    if existing.fingerprint != request_fingerprint:
        return _key_error(
            "idempotency_key_reused",
            "This Idempotency-Key was already used for a different request (method, path or "
            "body). Use a new key for a new request.",
        )
    return _replay(existing)


def _run_in_transaction(run: Callable) -> Callable:
    @wraps(run)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not _wants_idempotency(request):
            return run(request, *args, **kwargs)
        with transaction.atomic():
            response = run(request, *args, **kwargs)
            record = getattr(request, "_idempotency_record", None)
            if record is not None:
                if response.status_code >= 500:
                    # A failure is not an answer to replay: undo it all, so a retry runs again.
                    transaction.set_rollback(True)
                else:
                    record.status_code = response.status_code
                    record.content_type = response.get("Content-Type", "")
                    record.body = response.content.decode()
                    record.save(update_fields=["status_code", "content_type", "body"])
        return response

    return wrapper


def _claim_key(view_func: Callable) -> Callable:
    @wraps(view_func)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not _wants_idempotency(request):
            return view_func(request, *args, **kwargs)
        key = request.headers[HEADER]
        if not _key_re.match(key):
            return _key_error(
                "string_pattern_mismatch",
                "An Idempotency-Key is 1 to 255 visible ASCII characters.",
            )
        claimed = _claim(request.user, key, fingerprint(request))
        if isinstance(claimed, HttpResponse):
            return claimed
        request._idempotency_record = claimed
        return view_func(request, *args, **kwargs)

    return wrapper


def install(api: NinjaAPI) -> None:
    """Make every POST of `api` honour `Idempotency-Key`; call before adding routers."""
    api.add_decorator(_run_in_transaction, mode="view")
    api.add_decorator(_claim_key, mode="operation")


def document(schema: dict) -> dict:
    """Add the header and its refusals to every POST operation of an OpenAPI document."""
    error = component(schema, ValidationErrorOut)
    for path in schema["paths"].values():
        operation = path.get("post")
        if operation is None:
            continue
        operation.setdefault("parameters", []).append(
            {
                "in": "header",
                "name": HEADER,
                "required": False,
                "description": "Send the same key to retry safely: for 24 hours the first "
                "response is replayed instead of running the request again. Keys are per "
                "user; a key reused with a different request is refused (422). A retry sent "
                "while the first request still runs waits for it, then gets its response.",
                "schema": {"type": "string", "pattern": KEY_PATTERN},
            }
        )
        responses = operation["responses"]
        for status, description in [
            (409, "Another request with this Idempotency-Key is being processed."),
            (422, "Unprocessable Entity"),
        ]:
            responses.setdefault(
                status,
                {"description": description, "content": {"application/json": {"schema": error}}},
            )
    return schema


def purge_expired(now=None) -> int:
    """Delete the records past their 24 hours; safe to run anywhere, any number of times."""
    deleted, _by_model = IdempotencyRecord.objects.expired(now).delete()
    return deleted


def erase_replayable_responses(user, names: list[str]) -> None:
    """Account deletion: forget stored responses that name the member (a coordinator's
    transition of their membership, say). A retry of such a request runs again instead."""
    mentions = Q()
    for name in names:
        # Bodies are JSON with non-ASCII escaped, so look for both spellings.
        mentions |= Q(body__icontains=name) | Q(body__icontains=json.dumps(name)[1:-1])
    IdempotencyRecord.objects.filter(mentions).delete()
