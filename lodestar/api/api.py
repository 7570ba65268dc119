"""The REST API: personal access tokens only, every endpoint scoped to the token's user."""

from django.core.exceptions import ImproperlyConfigured
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema
from ninja.security import HttpBearer

from . import idempotency
from .models import ApiToken
from .routers import matching, me, mentoring, programs
from .schemas import ErrorOut, component


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        user = ApiToken.authenticate(token.strip()) if token.strip() else None
        if user is not None:
            # The session is never consulted; endpoints read the token's user from here.
            request.user = user
        return user


class _Document(OpenAPISchema):
    def add_schema_definitions(self, definitions: dict) -> None:
        # ninja keeps the last of two schemas with one name, so every other endpoint using the
        # name would be documented wrong (three enums called "Status" did that once).
        for name, definition in definitions.items():
            if self.schemas.get(name, definition) != definition:
                raise ImproperlyConfigured(
                    f"Two API schemas are named {name!r}: document one under another name, "
                    "as schemas.choices() does for enums."
                )
        super().add_schema_definitions(definitions)


class LodestarAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        schema = _Document(self, path_prefix)
        # What every endpoint shares is documented once, here, next to where it is enforced.
        error = component(schema, ErrorOut)
        for path in schema["paths"].values():
            for operation in path.values():
                if operation.get("security"):
                    operation["responses"].setdefault(
                        401,
                        {
                            "description": "Missing, unknown or revoked token",
                            "content": {"application/json": {"schema": error}},
                        },
                    )
        return idempotency.document(schema)


api = LodestarAPI(
    title="Lodestar API",
    version="1",
    description="Read your profile, your memberships and the programs you may see; apply to "
    "programs and change memberships; find and request mentors; read and write your mentoring "
    "relationships' goals, sessions and check-ins. "
    "Authenticate with a personal access token: `Authorization: Bearer <token>`. "
    "Every POST accepts an `Idempotency-Key` header to make retries safe.",
    urls_namespace="api",
    auth=TokenAuth(),
)


@api.exception_handler(DjangoValidationError)
def service_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    return api.create_response(request, {"detail": exc.messages}, status=400)


idempotency.install(api)
api.add_router("/me", me.router)
api.add_router("/programs", programs.router)
api.add_router("/matching", matching.router)
api.add_router("/mentoring", mentoring.router)
