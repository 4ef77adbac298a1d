"""The local pool's outbox: the invitations a real pool would mail, kept for the stack's output.

moto sends no e-mail. A real pool mails a user created by AdminCreateUser (without
MessageAction SUPPRESS) their temporary password, in the words of the custom message trigger
(functions/invitation), which reads the organisations from the call's ClientMetadata. Here every
such call is recorded instead, with what the mail would say, so that the local stack can print
it and a person can sign in as the new contact person at once.
"""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from moto.cognitoidp.responses import CognitoIdpResponse

from pasjes.logic.invitation import ORGANISATIONS_KEY, SIGN_IN_URL_KEY


@dataclass(frozen=True)
class Mail:
    email: str
    temporary_password: str
    organisations: tuple[str, ...]
    sign_in_url: str | None


_outbox: list[Mail] = []
_lock = threading.Lock()


def open_outbox() -> None:
    """Record the invitations of this process's moto from now on (once per process)."""
    if getattr(CognitoIdpResponse.admin_create_user, "records_mail", False):
        return
    CognitoIdpResponse.admin_create_user = _recording(  # type: ignore[method-assign,assignment]
        CognitoIdpResponse.admin_create_user
    )


def take() -> list[Mail]:
    """The invitations sent since the last call, oldest first."""
    with _lock:
        mails = list(_outbox)
        _outbox.clear()
    return mails


def _organisations(metadata: dict[str, Any]) -> tuple[str, ...]:
    try:
        names = json.loads(str(metadata.get(ORGANISATIONS_KEY, "[]")))
    except ValueError:
        return ()
    return tuple(str(n) for n in names) if isinstance(names, list) else ()


def _recording(method: Callable[[CognitoIdpResponse], Any]) -> Callable[[CognitoIdpResponse], Any]:
    @functools.wraps(method)
    def admin_create_user(self: CognitoIdpResponse) -> Any:
        result = method(self)
        password = self._get_param("TemporaryPassword")
        if self._get_param("MessageAction") != "SUPPRESS" and password:
            metadata = self._get_param("ClientMetadata") or {}
            mail = Mail(
                email=str(self._get_param("Username")),
                temporary_password=str(password),
                organisations=_organisations(metadata),
                sign_in_url=metadata.get(SIGN_IN_URL_KEY),
            )
            with _lock:
                _outbox.append(mail)
        return result

    admin_create_user.records_mail = True  # type: ignore[attr-defined]
    return admin_create_user
