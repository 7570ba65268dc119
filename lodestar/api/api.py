"""The REST API: personal access tokens only, every endpoint scoped to the token's user."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.security import HttpBearer

from .models import ApiToken
from .routers import me, programs


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        user = ApiToken.authenticate(token.strip()) if token.strip() else None
        if user is not None:
            # The session is never consulted; endpoints read the token's user from here.
            request.user = user
        return user


api = NinjaAPI(
    title="Lodestar API",
    version="1",
    description="Read your profile, your memberships and the programs you may see. "
    "Authenticate with a personal access token: `Authorization: Bearer <token>`.",
    urls_namespace="api",
    auth=TokenAuth(),
)


@api.exception_handler(DjangoValidationError)
def service_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    return api.create_response(request, {"detail": exc.messages}, status=400)


api.add_router("/me", me.router)
api.add_router("/programs", programs.router)
