"""The local pool's two-step sign-in (infra.local.moto_cognito), as a pool with MfaConfiguration
ON answers: MFA_SETUP after the password until an authenticator is linked, SOFTWARE_TOKEN_MFA
after that, and the operator's reset (AdminDeleteSoftwareToken) back to MFA_SETUP."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws
from moto.cognitoidp import models as cognito_models

from infra.local.moto_cognito import admin_delete_software_token, teach_moto_cognito
from infra.local.totp import LOCAL_TOTP_SECRET, current_code, password_sign_in, wrong_code

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

PASSWORD = "Een-goed-wachtwoord-1"
TEMPORARY = "Tijdelijk-wachtwoord-1"
EMAIL = "contact@keira-bhv.example"


@pytest.fixture
def pool(
    aws_env: None, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[CognitoIdentityProviderClient, str, str]]:
    """(client, pool id, app client id) of a pool that requires TOTP, as the template makes it."""
    monkeypatch.setenv("MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP", "true")
    teach_moto_cognito()
    with mock_aws():
        idp = boto3.client("cognito-idp")
        pool_id = idp.create_user_pool(
            PoolName="pasjes", UsernameAttributes=["email"], MfaConfiguration="ON"
        )["UserPool"]["Id"]
        idp.set_user_pool_mfa_config(
            UserPoolId=pool_id,
            SoftwareTokenMfaConfiguration={"Enabled": True},
            MfaConfiguration="ON",
        )
        client_id = idp.create_user_pool_client(
            UserPoolId=pool_id,
            ClientName="web",
            ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        )["UserPoolClient"]["ClientId"]
        yield idp, pool_id, client_id


def create_user(idp: CognitoIdentityProviderClient, pool_id: str, *, permanent: bool) -> None:
    idp.admin_create_user(
        UserPoolId=pool_id,
        Username=EMAIL,
        TemporaryPassword=TEMPORARY,
        UserAttributes=[{"Name": "email", "Value": EMAIL}],
        MessageAction="SUPPRESS",
    )
    if permanent:
        idp.admin_set_user_password(
            UserPoolId=pool_id, Username=EMAIL, Password=PASSWORD, Permanent=True
        )


def password_step(idp: CognitoIdentityProviderClient, client_id: str) -> dict[str, Any]:
    answer: dict[str, Any] = dict(
        idp.initiate_auth(
            ClientId=client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": EMAIL, "PASSWORD": PASSWORD},
        )
    )
    return answer


def link_authenticator(
    idp: CognitoIdentityProviderClient, client_id: str, session: str
) -> dict[str, Any]:
    associated = idp.associate_software_token(Session=session)
    assert associated["SecretCode"].upper() == LOCAL_TOTP_SECRET
    verified = idp.verify_software_token(
        Session=associated["Session"], UserCode=current_code(), FriendlyDeviceName="telefoon"
    )
    answer: dict[str, Any] = dict(
        idp.respond_to_auth_challenge(
            ClientId=client_id,
            ChallengeName="MFA_SETUP",
            Session=verified["Session"],
            ChallengeResponses={"USERNAME": EMAIL},
        )
    )
    return answer


def test_a_password_without_an_authenticator_leads_to_setting_one_up(
    pool: tuple[CognitoIdentityProviderClient, str, str],
) -> None:
    idp, pool_id, client_id = pool
    create_user(idp, pool_id, permanent=True)

    answer = password_step(idp, client_id)

    assert answer["ChallengeName"] == "MFA_SETUP"
    assert "AuthenticationResult" not in answer
    assert json.loads(answer["ChallengeParameters"]["MFAS_CAN_SETUP"]) == ["SOFTWARE_TOKEN_MFA"]
    signed_in = link_authenticator(idp, client_id, answer["Session"])
    assert signed_in["AuthenticationResult"]["AccessToken"]
    user = idp.get_user(AccessToken=signed_in["AuthenticationResult"]["AccessToken"])
    assert user["UserMFASettingList"] == ["SOFTWARE_TOKEN_MFA"]


def test_after_setting_it_up_every_sign_in_asks_a_code_of_the_authenticator(
    pool: tuple[CognitoIdentityProviderClient, str, str],
) -> None:
    idp, pool_id, client_id = pool
    create_user(idp, pool_id, permanent=True)
    link_authenticator(idp, client_id, password_step(idp, client_id)["Session"])

    answer = password_step(idp, client_id)

    assert answer["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    with pytest.raises(ClientError) as refused:
        idp.respond_to_auth_challenge(
            ClientId=client_id,
            ChallengeName="SOFTWARE_TOKEN_MFA",
            Session=answer["Session"],
            ChallengeResponses={"USERNAME": EMAIL, "SOFTWARE_TOKEN_MFA_CODE": wrong_code()},
        )
    assert refused.value.response["Error"]["Code"] == "CodeMismatchException"
    assert password_sign_in(idp, client_id, EMAIL, PASSWORD)["IdToken"]


def test_an_invited_user_sets_a_password_and_then_an_authenticator(
    pool: tuple[CognitoIdentityProviderClient, str, str],
) -> None:
    idp, pool_id, client_id = pool
    create_user(idp, pool_id, permanent=False)
    first = idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": EMAIL, "PASSWORD": TEMPORARY},
    )
    assert first["ChallengeName"] == "NEW_PASSWORD_REQUIRED"

    answer = idp.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="NEW_PASSWORD_REQUIRED",
        Session=first["Session"],
        ChallengeResponses={"USERNAME": EMAIL, "NEW_PASSWORD": PASSWORD},
    )

    assert answer["ChallengeName"] == "MFA_SETUP"
    assert json.loads(answer["ChallengeParameters"]["MFAS_CAN_SETUP"]) == ["SOFTWARE_TOKEN_MFA"]
    assert link_authenticator(idp, client_id, answer["Session"])["AuthenticationResult"]
    assert password_step(idp, client_id)["ChallengeName"] == "SOFTWARE_TOKEN_MFA"


def test_mfa_setup_is_not_answered_before_the_authenticator_is_verified(
    pool: tuple[CognitoIdentityProviderClient, str, str],
) -> None:
    idp, pool_id, client_id = pool
    create_user(idp, pool_id, permanent=True)
    session = idp.associate_software_token(Session=password_step(idp, client_id)["Session"])[
        "Session"
    ]

    with pytest.raises(ClientError) as refused:
        idp.respond_to_auth_challenge(
            ClientId=client_id,
            ChallengeName="MFA_SETUP",
            Session=session,
            ChallengeResponses={"USERNAME": EMAIL},
        )

    assert refused.value.response["Error"]["Code"] == "InvalidParameterException"


def test_an_unknown_session_cannot_complete_mfa_setup(
    pool: tuple[CognitoIdentityProviderClient, str, str],
) -> None:
    idp, _, client_id = pool

    with pytest.raises(ClientError) as refused:
        idp.respond_to_auth_challenge(
            ClientId=client_id,
            ChallengeName="MFA_SETUP",
            Session="not-a-session-of-this-pool",
            ChallengeResponses={"USERNAME": EMAIL},
        )

    assert refused.value.response["Error"]["Code"] == "NotAuthorizedException"


def test_a_wrong_password_is_refused_before_any_mfa_step(
    pool: tuple[CognitoIdentityProviderClient, str, str],
) -> None:
    idp, pool_id, client_id = pool
    create_user(idp, pool_id, permanent=True)

    with pytest.raises(ClientError) as refused:
        idp.initiate_auth(
            ClientId=client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": EMAIL, "PASSWORD": "Niet-het-wachtwoord-1"},
        )

    assert refused.value.response["Error"]["Code"] == "NotAuthorizedException"


def test_the_operators_reset_of_a_lost_phone_makes_the_next_sign_in_set_up_a_new_app(
    pool: tuple[CognitoIdentityProviderClient, str, str],
) -> None:
    idp, pool_id, client_id = pool
    create_user(idp, pool_id, permanent=True)
    link_authenticator(idp, client_id, password_step(idp, client_id)["Session"])
    backend = cognito_models.cognitoidp_backends["123456789012"]["eu-west-1"]

    # AdminDeleteSoftwareToken: this botocore does not know the call yet, the local server does.
    admin_delete_software_token(backend, pool_id, EMAIL)

    answer = password_step(idp, client_id)
    assert answer["ChallengeName"] == "MFA_SETUP"
    assert link_authenticator(idp, client_id, answer["Session"])["AuthenticationResult"]
