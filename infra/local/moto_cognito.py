"""Where moto's Cognito answers differently from a real user pool, taught to answer as one."""

from __future__ import annotations

import base64
import functools
import json
from collections.abc import Callable
from typing import Any

from moto.cognitoidp import models as cognito_models
from moto.cognitoidp.exceptions import (
    InvalidParameterException,
    NotAuthorizedError,
    ResourceNotFoundError,
)
from moto.cognitoidp.responses import CognitoIdpResponse
from moto.core.exceptions import JsonRESTError
from moto.core.responses import EmptyResult
from moto.core.utils import utcnow
from moto.moto_api._internal import mock_random

SOFTWARE_TOKEN = "SOFTWARE_TOKEN_MFA"  # nosec B105: a challenge name, not a password


def teach_moto_cognito() -> None:
    """The answers of a real user pool that the web app's Cognito library relies on.

    - RevokeToken ("Uitloggen"), which moto 5.2.5 does not implement: the refresh token stops
      working, and so do the access tokens it issued, as in a pool with EnableTokenRevocation.
    - NEW_PASSWORD_REQUIRED's `userAttributes` and `requiredAttributes` parameters, which a real
      pool always sends and moto leaves out; amazon-cognito-identity-js parses them and fails.
    - Two-step verification required (MfaConfiguration ON): moto signs a user without a
      verified authenticator straight in after USER_PASSWORD_AUTH, where a real pool answers
      MFA_SETUP; its MFA_SETUP answer neither checks that the token was verified nor turns TOTP
      on for the next sign-in; MFAS_CAN_SETUP is a list, where a real pool sends JSON text.
    - AdminCreateUser with MessageAction RESEND (`teach_moto_resend`).
    - AdminDeleteSoftwareToken, the operator's reset for someone who lost their phone: the next
      sign-in sets up a new authenticator (MFA_SETUP).
    Applied once, to this process's moto; the library and the tests see a real pool's behaviour.
    """
    teach_moto_resend()
    if getattr(CognitoIdpResponse, "revoke_token", None) is not None:
        return
    CognitoIdpResponse.revoke_token = _revoke_token  # type: ignore[attr-defined]
    CognitoIdpResponse.admin_delete_software_token = _delete_token_response  # type: ignore[attr-defined]
    backend = cognito_models.CognitoIdpBackend
    backend.admin_delete_software_token = admin_delete_software_token  # type: ignore[attr-defined]
    backend_methods = {
        "initiate_auth": _with_mfa_setup_after_password,
        "respond_to_auth_challenge": _with_mfa_setup_completed,
    }
    for name, wrap in backend_methods.items():
        setattr(backend, name, wrap(getattr(backend, name)))
    for name in ("initiate_auth", "respond_to_auth_challenge"):
        setattr(backend, name, _with_real_challenge_parameters(getattr(backend, name)))


def _revoke_token(self: CognitoIdpResponse) -> EmptyResult:
    token = self._get_param("Token")
    client_id = self._get_param("ClientId")
    account, region = cognito_models.find_account_region_by_value(
        "client_id", client_id, fallback=(self.current_account, self.region)
    )
    backend = cognito_models.cognitoidp_backends[account][region]
    for user_pool in backend.user_pools.values():
        issued = user_pool.refresh_tokens.get(token)
        if issued is None or issued[0] != client_id:
            continue
        user_pool.refresh_tokens[token] = None
        origin_jti = issued[2]
        for access_token in list(user_pool.access_tokens):
            if _claims(access_token).get("origin_jti") == origin_jti:
                del user_pool.access_tokens[access_token]
    # Cognito answers an unknown or already revoked token with success too.
    return EmptyResult()


def _claims(token: str) -> dict[str, Any]:
    """A JWT's payload, unverified: moto issued it, this only reads which session it belongs to."""
    payload = token.split(".")[1]
    claims: dict[str, Any] = json.loads(
        base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    )
    return claims


def _with_real_challenge_parameters(
    method: Callable[..., dict[str, Any]],
) -> Callable[..., dict[str, Any]]:
    @functools.wraps(method)
    def answer(backend: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        result = method(backend, *args, **kwargs)
        if not isinstance(result, dict):
            return result
        parameters = result.get("ChallengeParameters") or {}
        if isinstance(parameters.get("MFAS_CAN_SETUP"), list):
            parameters["MFAS_CAN_SETUP"] = json.dumps(parameters["MFAS_CAN_SETUP"])
        if result.get("ChallengeName") == "NEW_PASSWORD_REQUIRED":
            username, user_pool = backend.sessions[result["Session"]]
            user = user_pool._get_user(username)
            attributes = {a["Name"]: a["Value"] for a in user.attributes if a["Name"] != "sub"}
            result["ChallengeParameters"] = {
                **result.get("ChallengeParameters", {}),
                "userAttributes": json.dumps(attributes),
                "requiredAttributes": "[]",
            }
        return result

    return answer


def _mfa_setup_challenge(
    backend: Any, client_id: str, parameters: dict[str, str]
) -> dict[str, Any] | None:
    """MFA_SETUP for a right password of a user without a verified authenticator in a pool
    that requires TOTP; None where moto's own answer is right (or its own error)."""
    pool = next((p for p in backend.user_pools.values() if client_id in p.clients), None)
    if pool is None or pool.mfa_config != "ON" or pool.token_mfa_config != {"Enabled": True}:
        return None
    username = parameters.get("USERNAME", "")
    user = pool._get_user(username)
    if (
        user is None
        or not user.enabled
        or user.password != parameters.get("PASSWORD")
        or user.status != cognito_models.UserStatus.CONFIRMED
        or user.token_verified
    ):
        return None
    session = str(mock_random.uuid4())
    backend.sessions[session] = (username, pool)
    return {
        "ChallengeName": "MFA_SETUP",
        "ChallengeParameters": {"MFAS_CAN_SETUP": json.dumps([SOFTWARE_TOKEN])},
        "Session": session,
    }


def _with_mfa_setup_after_password(
    method: Callable[..., dict[str, Any]],
) -> Callable[..., dict[str, Any]]:
    @functools.wraps(method)
    def answer(
        backend: Any, client_id: str, auth_flow: str, auth_parameters: dict[str, str]
    ) -> dict[str, Any]:
        if auth_flow == "USER_PASSWORD_AUTH":
            setup = _mfa_setup_challenge(backend, client_id, auth_parameters or {})
            if setup is not None:
                return setup
        return method(backend, client_id, auth_flow, auth_parameters)

    return answer


def _with_mfa_setup_completed(
    method: Callable[..., dict[str, Any]],
) -> Callable[..., dict[str, Any]]:
    @functools.wraps(method)
    def answer(
        backend: Any,
        session: str,
        client_id: str,
        challenge_name: str,
        challenge_responses: dict[str, str],
    ) -> dict[str, Any]:
        if challenge_name != "MFA_SETUP":
            return method(backend, session, client_id, challenge_name, challenge_responses)
        if session not in backend.sessions:
            raise NotAuthorizedError("Invalid session for the user.")
        username, pool = backend.sessions[session]
        client = pool.clients.get(client_id)
        if client is None:
            raise ResourceNotFoundError(client_id)
        user = backend.admin_get_user(pool.id, username)
        if not user.token_verified:
            raise InvalidParameterException("Software token has not been verified.")
        # As a real pool does: the verified authenticator is the user's second step from now on.
        user.software_token_mfa_enabled = True
        user.preferred_mfa_setting = SOFTWARE_TOKEN
        del backend.sessions[session]
        result: dict[str, Any] = backend._log_user_in(pool, client, username)
        return result

    return answer


def admin_delete_software_token(backend: Any, user_pool_id: str, username: str) -> None:
    """Forgets the user's authenticator: no more SOFTWARE_TOKEN_MFA, and in a pool that
    requires TOTP the next sign-in answers MFA_SETUP."""
    user = backend.admin_get_user(user_pool_id, username)
    user.token_verified = False
    user.software_token_mfa_enabled = False
    if user.preferred_mfa_setting == SOFTWARE_TOKEN:
        user.preferred_mfa_setting = ""


def _delete_token_response(self: CognitoIdpResponse) -> EmptyResult:
    admin_delete_software_token(
        self.backend, self._get_param("UserPoolId"), self._get_param("Username")
    )
    return EmptyResult()


class UnsupportedUserStateError(JsonRESTError):
    def __init__(self, message: str) -> None:
        super().__init__("UnsupportedUserStateException", message)


def teach_moto_resend() -> None:
    """AdminCreateUser with MessageAction RESEND as a real pool answers it: the same user (its
    username, sub and attributes kept; moto 5 makes a new user with a new sub) with a new
    temporary password and its validity started again; only a user who has not yet chosen a
    password (FORCE_CHANGE_PASSWORD). Applied once, to this process's moto."""
    backend = cognito_models.CognitoIdpBackend
    if getattr(backend.admin_create_user, "resends", False):
        return
    create = backend.admin_create_user

    @functools.wraps(create)
    def admin_create_user(
        self: Any,
        user_pool_id: str,
        username: str,
        message_action: str,
        temporary_password: str,
        attributes: list[dict[str, str]],
    ) -> Any:
        if message_action != "RESEND":
            return create(
                self, user_pool_id, username, message_action, temporary_password, attributes
            )
        user = self.admin_get_user(user_pool_id, username)
        if user.status != cognito_models.UserStatus.FORCE_CHANGE_PASSWORD:
            raise UnsupportedUserStateError("The user has set a password already")
        user.password = temporary_password or str(mock_random.uuid4())
        user.last_modified_date = utcnow()
        return user

    admin_create_user.resends = True  # type: ignore[attr-defined]
    backend.admin_create_user = admin_create_user  # type: ignore[method-assign]
