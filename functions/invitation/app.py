"""The user pool's custom message trigger: the invitation of a contact person the import
created, in Dutch, naming their organisation(s) and where to sign in.

Cognito waits at most 5 seconds for a trigger, so this imports nothing but the message's own
module. Every other message (a forgotten password, a verification code) and an invitation
without the import's metadata (a user created by hand) keep the pool's own templates.
"""

from __future__ import annotations

from typing import Any

from pasjes.logic.invitation import invitation_message

ADMIN_CREATE_USER = "CustomMessage_AdminCreateUser"


def handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    if event.get("triggerSource") != ADMIN_CREATE_USER:
        return event
    request = event.get("request") or {}
    message = invitation_message(
        request.get("clientMetadata") or {},
        username=str(request.get("usernameParameter") or "{username}"),
        code=str(request.get("codeParameter") or "{####}"),
    )
    if message is not None:
        response = event.setdefault("response", {})
        response["emailSubject"], response["emailMessage"] = message
    return event
