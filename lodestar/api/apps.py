from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "lodestar.api"
    label = "api"

    def ready(self) -> None:
        from lodestar.accounts.privacy import register_eraser, register_exporter

        from . import signals  # noqa: F401  (revokes tokens when a password changes)
        from .idempotency import erase_replayable_responses

        def export(user):
            # Names and dates only: the token itself was shown once and only its hash is kept.
            return [
                {
                    "name": t.name,
                    "hint": t.hint,
                    "created_at": t.created_at.isoformat(),
                    "revoked_at": t.revoked_at.isoformat() if t.revoked_at else None,
                }
                for t in user.api_tokens.all()
            ]

        register_exporter("api_tokens", export)
        register_eraser("idempotency", erase_replayable_responses)
