"""Keep the secrets some URLs carry (calendar feeds, anonymous threads, unsubscribe links,
invitations) out of every log line, including Django's own request and CSRF warnings."""

import logging
import re

# The path segment after these prefixes is a credential.
SECRET_PATHS = re.compile(
    r"(/(?:feedback/anonymous|schedule/feed|notifications/unsubscribe|programs/invitations)/)"
    r"([^/\s\"'?]{6})[^/\s\"'?]*"
)


def redact(text: str) -> str:
    return SECRET_PATHS.sub(r"\1\2…", text)


class RedactSecretPaths(logging.Filter):
    """Rewrites the record's message with the secret part of such paths cut to six characters."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True
