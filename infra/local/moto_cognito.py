"""Where moto's Cognito answers differently from a real user pool, taught to answer as one."""

from __future__ import annotations

import base64
import functools
import json
from collections.abc import Callable
from typing import Any

from moto.cognitoidp import models as cognito_models
from moto.cognitoidp.responses import CognitoIdpResponse
from moto.core.responses import EmptyResult


def teach_moto_cognito() -> None:
    """Two answers of a real user pool that the web app's Cognito library relies on.

    - RevokeToken ("Uitloggen"), which moto 5.2.5 does not implement: the refresh token stops
      working, and so do the access tokens it issued, as in a pool with EnableTokenRevocation.
    - NEW_PASSWORD_REQUIRED's `userAttributes` and `requiredAttributes` parameters, which a real
      pool always sends and moto leaves out; amazon-cognito-identity-js parses them and fails.
    Applied once, to this process's moto; the library and the tests see a real pool's behaviour.
    """
    if getattr(CognitoIdpResponse, "revoke_token", None) is not None:
        return
    CognitoIdpResponse.revoke_token = _revoke_token  # type: ignore[attr-defined]
    backend = cognito_models.CognitoIdpBackend
    for name in ("initiate_auth", "respond_to_auth_challenge"):
        setattr(backend, name, _with_new_password_parameters(getattr(backend, name)))


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


def _with_new_password_parameters(
    method: Callable[..., dict[str, Any]],
) -> Callable[..., dict[str, Any]]:
    @functools.wraps(method)
    def answer(backend: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        result = method(backend, *args, **kwargs)
        if isinstance(result, dict) and result.get("ChallengeName") == "NEW_PASSWORD_REQUIRED":
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
