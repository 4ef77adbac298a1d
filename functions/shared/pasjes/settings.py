"""The one settings object, read from the environment the first time it is asked for."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache

# The limits live in pasjes.rules. Re-exported only until pasjes/logic/requests.py and
# tests/handlers/test_template.py (not this change's files) import them from there.
from pasjes.rules import MAX_PASSES_PER_REQUEST as MAX_PASSES_PER_REQUEST
from pasjes.rules import REQUEST_LIFETIME_DAYS as REQUEST_LIFETIME_DAYS


@dataclass(frozen=True)
class Settings:
    region: str
    organisations_table: str
    contacts_table: str
    holders_table: str
    registrations_table: str
    requests_table: str
    idempotency_table: str
    render_queue_url: str
    passes_bucket: str
    cursor_secret: str
    max_receives: int
    # The portal's public origin: passes link to {public_origin}/v/{code}.
    public_origin: str = "http://127.0.0.1:3000"
    # The name (not the value) of the Secrets Manager secret holding the verification keys;
    # empty: passes are made without a QR code and codes cannot be checked.
    verification_secret_name: str = ""

    @classmethod
    def from_env(cls) -> Settings:
        env = os.environ
        return cls(
            region=env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "eu-west-1",
            organisations_table=env.get("ORGANISATIONS_TABLE", "pasjes-organisations"),
            contacts_table=env.get("CONTACTS_TABLE", "pasjes-contacts"),
            holders_table=env.get("HOLDERS_TABLE", "pasjes-holders"),
            registrations_table=env.get("REGISTRATIONS_TABLE", "pasjes-registrations"),
            requests_table=env.get("REQUESTS_TABLE", "pasjes-requests"),
            idempotency_table=env.get("IDEMPOTENCY_TABLE", "pasjes-idempotency"),
            render_queue_url=env.get("RENDER_QUEUE_URL", ""),
            passes_bucket=env.get("PASSES_BUCKET", "pasjes-passes"),
            # Signs paging cursors; a deployment sets it from Secrets Manager.
            cursor_secret=env.get("CURSOR_SECRET", "local-development-cursor-secret"),
            # The render queue's maxReceiveCount: the last delivery marks a request failed.
            max_receives=int(env.get("MAX_RECEIVES", "3")),
            public_origin=env.get("PUBLIC_ORIGIN", "http://127.0.0.1:3000"),
            verification_secret_name=env.get("VERIFICATION_SECRET_NAME", ""),
        )


@cache
def get_settings() -> Settings:
    return Settings.from_env()
