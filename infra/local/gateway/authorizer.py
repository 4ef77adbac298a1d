"""The REST API's Cognito user-pool authorizer: which ID tokens pass, what API Gateway answers
the ones that do not, and how it hands the claims to the handler."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import jwt


class TokenRejected(Exception):
    """The authorizer refuses the request; the message is what API Gateway answers."""

    def __init__(self, message: str = "Unauthorized") -> None:
        super().__init__(message)
        self.message = message


_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _api_gateway_time(epoch: int | float) -> str:
    # Written out by hand: strftime's %a and %b follow the locale, API Gateway's do not.
    moment = datetime.fromtimestamp(epoch, UTC)
    return (
        f"{_WEEKDAYS[moment.weekday()]} {MONTHS[moment.month - 1]} {moment.day:02d} "
        f"{moment:%H:%M:%S} UTC {moment.year}"
    )


def claims_as_api_gateway_passes_them(claims: Mapping[str, Any]) -> dict[str, str]:
    """The REST API's Cognito authorizer hands every claim over as a string.

    Booleans become "true"/"false", lists are joined with commas (as `cognito:groups` arrives),
    and `exp`/`iat` are spelled as dates, e.g. "Thu Dec 06 17:08:23 UTC 2018".
    """
    result: dict[str, str] = {}
    for name, value in claims.items():
        if name in ("exp", "iat") and isinstance(value, int | float):
            result[name] = _api_gateway_time(value)
        elif isinstance(value, bool):
            result[name] = "true" if value else "false"
        elif isinstance(value, list):
            result[name] = ",".join(str(v) for v in value)
        elif isinstance(value, dict):
            result[name] = json.dumps(value, separators=(",", ":"))
        else:
            result[name] = str(value)
    return result


class CognitoTokenVerifier:
    """Checks an ID token as the REST API's Cognito user-pool authorizer does."""

    REQUIRED_CLAIMS = ("exp", "iat", "iss", "aud", "sub", "token_use")

    def __init__(
        self, *, jwks: Mapping[str, Any], region: str, user_pool_id: str, client_id: str
    ) -> None:
        self._keys = jwt.PyJWKSet.from_dict(dict(jwks))
        self.issuer = f"https://cognito-idp.{region}.amazonaws.com/{user_pool_id}"
        self.client_id = client_id

    @classmethod
    def from_user_pool(
        cls, *, endpoint: str, region: str, user_pool_id: str, client_id: str
    ) -> CognitoTokenVerifier:
        """Fetch the pool's JWKS once: the local pool's keys never rotate."""
        url = f"{endpoint.rstrip('/')}/{user_pool_id}/.well-known/jwks.json"
        # moto routes this unsigned GET by its path; the Host header is the one AWS's URL has.
        request = urllib.request.Request(  # noqa: S310 - a URL we built to our own moto server
            url, headers={"Host": f"cognito-idp.{region}.amazonaws.com"}
        )
        # The scheme is moto's http URL that infra.local itself started, never user input.
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310  # nosec B310
            jwks = json.load(response)
        return cls(jwks=jwks, region=region, user_pool_id=user_pool_id, client_id=client_id)

    def verify(self, authorization: str | None) -> dict[str, Any]:
        """The token's claims, or TokenRejected with API Gateway's message."""
        if not authorization:
            raise TokenRejected
        token = authorization.strip()
        scheme, _, rest = token.partition(" ")
        if scheme.lower() == "bearer" and rest:
            token = rest.strip()
        try:
            key_id = jwt.get_unverified_header(token).get("kid")
            key = self._keys[str(key_id)]
            claims: dict[str, Any] = jwt.decode(
                token,
                key=key.key,
                algorithms=["RS256"],
                audience=self.client_id,
                issuer=self.issuer,
                options={"require": list(self.REQUIRED_CLAIMS)},
            )
        except jwt.ExpiredSignatureError as error:
            raise TokenRejected("The incoming token has expired") from error
        except (jwt.PyJWTError, KeyError) as error:
            raise TokenRejected from error
        if claims.get("token_use") != "id":
            raise TokenRejected
        return claims
