"""The codes of an authenticator app, for the local stack's two-step sign-in.

moto gives every user the same TOTP secret (the one AssociateSoftwareToken hands out), so the
demo users' authenticator is this module: `python -m infra.local.totp` prints the code of now,
which the sign-in screen asks for after the password. Tests and benchmarks sign in with it too.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct
import time
from typing import TYPE_CHECKING, Any, Final

from moto.cognitoidp.models import COGNITO_TOTP_MFA_SECRET

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

# moto's fixed secret, as base32 (what a QR code or a typed key gives an authenticator app).
LOCAL_TOTP_SECRET: Final = COGNITO_TOTP_MFA_SECRET.upper()
STEP_SECONDS: Final = 30
# A code this close to the end of its step may reach the pool in the next step, where the
# local pool (one step, no tolerance) refuses it: wait for the next code instead.
SAFE_MARGIN_SECONDS: Final = 1.5


def totp(secret: str = LOCAL_TOTP_SECRET, at: float | None = None) -> str:
    """RFC 6238 with Cognito's settings (SHA-1, 6 digits, 30 s), as an authenticator app does;
    `secret` as shown (spaces and case do not matter)."""
    compact = secret.replace(" ", "").upper()
    key = base64.b32decode(compact + "=" * (-len(compact) % 8))
    moment = time.time() if at is None else at
    digest = hmac.new(key, struct.pack(">Q", int(moment // STEP_SECONDS)), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = int.from_bytes(digest[offset : offset + 4], "big") & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


def current_code(secret: str = LOCAL_TOTP_SECRET) -> str:
    """The code of now, waiting for the next step when this one is about to end."""
    left = STEP_SECONDS - time.time() % STEP_SECONDS
    if left < SAFE_MARGIN_SECONDS:
        time.sleep(left + 0.1)
    return totp(secret)


def wrong_code(secret: str = LOCAL_TOTP_SECRET) -> str:
    """A code no step near now accepts."""
    right = {totp(secret, time.time() + d) for d in (-STEP_SECONDS, 0, STEP_SECONDS)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in right)


def password_sign_in(
    idp: CognitoIdentityProviderClient, client_id: str, email: str, password: str
) -> dict[str, Any]:
    """The tokens (AuthenticationResult) of a USER_PASSWORD_AUTH sign-in to the local pool, with
    the code of this module as the second step; a user without an authenticator yet sets one up
    on the way (MFA_SETUP), as the web app walks a first sign-in through it."""
    answer: Any = idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": email, "PASSWORD": password},
    )
    challenge = answer.get("ChallengeName")
    if challenge == "MFA_SETUP":
        session = idp.associate_software_token(Session=answer["Session"])["Session"]
        verified = idp.verify_software_token(
            Session=session, UserCode=current_code(), FriendlyDeviceName="infra.local.totp"
        )
        answer = idp.respond_to_auth_challenge(
            ClientId=client_id,
            ChallengeName="MFA_SETUP",
            Session=verified["Session"],
            ChallengeResponses={"USERNAME": email},
        )
    elif challenge == "SOFTWARE_TOKEN_MFA":
        answer = idp.respond_to_auth_challenge(
            ClientId=client_id,
            ChallengeName="SOFTWARE_TOKEN_MFA",
            Session=answer["Session"],
            ChallengeResponses={"USERNAME": email, "SOFTWARE_TOKEN_MFA_CODE": current_code()},
        )
    if "AuthenticationResult" not in answer:
        raise RuntimeError(f"{email}: the local pool asks {answer.get('ChallengeName')}")
    result: dict[str, Any] = dict(answer["AuthenticationResult"])
    return result


def main() -> None:
    left = STEP_SECONDS - int(time.time()) % STEP_SECONDS
    print(f"{totp()}  (code of the local demo users; valid {left} s more)")


if __name__ == "__main__":
    main()
