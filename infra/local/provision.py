"""The local AWS account's resources, created in the embedded moto server from what the template
declares: the Cognito user pool with its client and users, the passes bucket, the render queue
with its dead-letter queue, the passes' verification keys; and /config.json, which tells clients
where the pool is."""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

import boto3

from infra.local.gateway.template import SamTemplate
from infra.local.totp import password_sign_in
from pasjes.logic.verification import new_secret

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient
    from mypy_boto3_cognito_idp.literals import ExplicitAuthFlowsTypeType
    from mypy_boto3_sqs.literals import QueueAttributeNameType

REGION: Final = "eu-west-1"
BUCKET = "pasjes-passes"
# The registry's exports and the importer's reports (EXPORTS_BUCKET).
EXPORTS_BUCKET = "pasjes-exports"
QUEUE = "pasjes-render"
DEAD_LETTER_QUEUE = "pasjes-render-dlq"
# The local VerificationSecret: render signs the passes' codes with it, verify checks them.
# Names of secrets in the local Secrets Manager, not secrets: their values are made at startup.
VERIFICATION_SECRET = "pasjes-verification-keys"  # nosec B105
CURSOR_SECRET = "pasjes-cursor-secret"  # nosec B105
TABLES = {
    "ORGANISATIONS_TABLE": "pasjes-organisations",
    "CONTACTS_TABLE": "pasjes-contacts",
    "HOLDERS_TABLE": "pasjes-holders",
    "REGISTRATIONS_TABLE": "pasjes-registrations",
    "REQUESTS_TABLE": "pasjes-requests",
    "IDEMPOTENCY_TABLE": "pasjes-idempotency",
    "IMPORTS_TABLE": "pasjes-imports",
}
# Cognito properties whose CloudFormation spelling is also the API's, mirrored from the template
# so that local sign-in follows the deployed pool's rules (email as user name, password policy).
POOL_PROPERTIES = (
    "UsernameAttributes",
    "AutoVerifiedAttributes",
    "UsernameConfiguration",
    "AdminCreateUserConfig",
    "Policies",
    "MfaConfiguration",
    "AccountRecoverySetting",
    "Schema",
)
CLIENT_PROPERTIES = (
    "ExplicitAuthFlows",
    "GenerateSecret",
    "PreventUserExistenceErrors",
    "EnableTokenRevocation",
    "AuthSessionValidity",
    "IdTokenValidity",
    "AccessTokenValidity",
    "RefreshTokenValidity",
    "TokenValidityUnits",
    "ReadAttributes",
    "WriteAttributes",
)
# Added to the template's flows locally: scripts (the README's example, the e2e tests) sign in
# with a password, and so does the web app, because moto does not check SRP proofs (any password
# passes USER_SRP_AUTH) while it does check USER_PASSWORD_AUTH. /config.json says which flow.
LOCAL_AUTH_FLOWS: tuple[ExplicitAuthFlowsTypeType, ...] = (
    "ALLOW_USER_PASSWORD_AUTH",
    "ALLOW_REFRESH_TOKEN_AUTH",
)
LOCAL_AUTH_FLOW = "USER_PASSWORD_AUTH"
PASSWORD_RULES = (
    "MinimumLength",
    "RequireLowercase",
    "RequireUppercase",
    "RequireNumbers",
    "RequireSymbols",
)


def _is_plain(value: Any) -> bool:
    """True when a template value contains no intrinsic function (!Ref, !Sub, !GetAtt ...)."""
    if isinstance(value, Mapping):
        return all(
            not (key == "Ref" or str(key).startswith("Fn::")) and _is_plain(v)
            for key, v in value.items()
        )
    if isinstance(value, list):
        return all(_is_plain(v) for v in value)
    return True


@dataclass(frozen=True)
class UserPool:
    pool_id: str
    client_id: str
    subs: Mapping[str, str]  # email -> sub


def _first_of_type(template: SamTemplate, resource_type: str) -> Mapping[str, Any]:
    found = template.of_type(resource_type)
    return template.properties(found[0]) if found else {}


def _mirrored(properties: Mapping[str, Any], names: Sequence[str]) -> dict[str, Any]:
    return {n: properties[n] for n in names if n in properties and _is_plain(properties[n])}


def create_user_pool(
    idp: CognitoIdentityProviderClient,
    template: SamTemplate,
    users: Mapping[str, Any],
    password: str,
) -> UserPool:
    pool_settings: dict[str, Any] = {
        "UsernameAttributes": ["email"],
        **_mirrored(_first_of_type(template, "AWS::Cognito::UserPool"), POOL_PROPERTIES),
    }
    pool_id = idp.create_user_pool(PoolName="pasjesportaal-local", **pool_settings)["UserPool"][
        "Id"
    ]
    pool_template = _first_of_type(template, "AWS::Cognito::UserPool")
    if pool_settings.get("MfaConfiguration", "OFF") != "OFF":
        # CloudFormation's EnabledMfas is SetUserPoolMfaConfig in the API.
        enabled = pool_template.get("EnabledMfas") or ["SOFTWARE_TOKEN_MFA"]
        idp.set_user_pool_mfa_config(
            UserPoolId=pool_id,
            SoftwareTokenMfaConfiguration={"Enabled": "SOFTWARE_TOKEN_MFA" in enabled},
            MfaConfiguration=pool_settings["MfaConfiguration"],
        )
    client_template = _mirrored(
        _first_of_type(template, "AWS::Cognito::UserPoolClient"), CLIENT_PROPERTIES
    )
    flows = list(client_template.pop("ExplicitAuthFlows", []))
    flows += [flow for flow in LOCAL_AUTH_FLOWS if flow not in flows]
    client_settings = {
        # A real client without ReadAttributes may read every attribute; moto's then reads none.
        "ReadAttributes": ["email", "email_verified"],
        **client_template,
        "ExplicitAuthFlows": flows,
    }
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="pasjesportaal-local-web", **client_settings
    )["UserPoolClient"]["ClientId"]
    subs = {
        email: create_verified_user(idp, pool_id, email, password, client_id=client_id)
        for email in users
    }
    return UserPool(pool_id=pool_id, client_id=client_id, subs=subs)


def create_verified_user(
    idp: CognitoIdentityProviderClient,
    pool_id: str,
    email: str,
    password: str | None = None,
    *,
    client_id: str | None = None,
) -> str:
    """A user whose email is verified (as the importer's invitation leaves it), without the
    invitation mail; with `password`, one that can sign in at once. With `client_id` too, the
    user has set up the authenticator already (one sign-in through MFA_SETUP with moto's fixed
    secret), so every sign-in asks for the code `python -m infra.local.totp` prints, as a
    real pool with MfaConfiguration ON asks a contact person who has done their first sign-in.
    Returns the user's sub."""
    created = idp.admin_create_user(
        UserPoolId=pool_id,
        Username=email,
        UserAttributes=[
            {"Name": "email", "Value": email},
            {"Name": "email_verified", "Value": "true"},
        ],
        MessageAction="SUPPRESS",
    )
    if password is not None:
        idp.admin_set_user_password(
            UserPoolId=pool_id, Username=email, Password=password, Permanent=True
        )
        if client_id is not None:
            password_sign_in(idp, client_id, email, password)
    return next(a["Value"] for a in created["User"].get("Attributes", []) if a["Name"] == "sub")


def _lifecycle_rules(bucket: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The template's lifecycle rules in the S3 API's spelling."""
    rules: list[dict[str, Any]] = []
    for rule in (bucket.get("LifecycleConfiguration") or {}).get("Rules") or []:
        converted: dict[str, Any] = {
            "ID": str(rule.get("Id", f"rule-{len(rules)}")),
            "Status": str(rule.get("Status", "Enabled")),
            "Filter": {"Prefix": str(rule.get("Prefix", ""))},
        }
        if "ExpirationInDays" in rule:
            converted["Expiration"] = {"Days": int(rule["ExpirationInDays"])}
        if "AbortIncompleteMultipartUpload" in rule:
            days = rule["AbortIncompleteMultipartUpload"]["DaysAfterInitiation"]
            converted["AbortIncompleteMultipartUpload"] = {"DaysAfterInitiation": int(days)}
        if len(converted) > 3:
            rules.append(converted)
    return rules


# The template's bucket whose name the functions read as PASSES_BUCKET.
PASSES_BUCKET_RESOURCE = "PassesBucket"


def create_bucket(moto_url: str, template: SamTemplate) -> None:
    # The bucket policy's TLS-only rule is left out: the local S3 speaks plain HTTP.
    s3 = boto3.client("s3", region_name=REGION, endpoint_url=moto_url)
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    s3.put_public_access_block(
        Bucket=BUCKET,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
    rules = _lifecycle_rules(template.properties(PASSES_BUCKET_RESOURCE))
    if rules:
        s3.put_bucket_lifecycle_configuration(
            Bucket=BUCKET,
            # Built from the template at run time; S3 validates the shape.
            LifecycleConfiguration={"Rules": rules},  # type: ignore[typeddict-item]
        )


def create_exports_bucket(moto_url: str) -> str:
    """The exports bucket, private and versioned as the template's ExportsBucket; its name.
    No event notification: the local imports folder (infra.local.imports) hands the import
    function each upload's event itself, and waits for its report."""
    s3 = boto3.client("s3", region_name=REGION, endpoint_url=moto_url)
    s3.create_bucket(
        Bucket=EXPORTS_BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION}
    )
    s3.put_public_access_block(
        Bucket=EXPORTS_BUCKET,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
    s3.put_bucket_versioning(Bucket=EXPORTS_BUCKET, VersioningConfiguration={"Status": "Enabled"})
    return EXPORTS_BUCKET


def create_verification_keys(moto_url: str) -> str:
    """The local stack's own verification keys, in Secrets Manager as a deployment keeps them;
    returns the secret's name. New on every start, so passes of an earlier run do not verify."""
    client = boto3.client("secretsmanager", region_name=REGION, endpoint_url=moto_url)
    document = {"current": "a", "keys": {"a": new_secret()}}
    client.create_secret(
        Name=VERIFICATION_SECRET,
        Description="Keys of the verification codes in the passes' QR codes (local stack).",
        SecretString=json.dumps(document),
    )
    return VERIFICATION_SECRET


def create_cursor_secret(moto_url: str) -> str:
    """The key that signs paging cursors, in Secrets Manager as a deployment keeps it; returns
    the secret's name (CURSOR_SECRET_NAME). New on every start: old cursors stop working."""
    client = boto3.client("secretsmanager", region_name=REGION, endpoint_url=moto_url)
    client.create_secret(
        Name=CURSOR_SECRET,
        Description="Signs the paging cursors of GET /holders (local stack).",
        SecretString=secrets.token_urlsafe(32),
    )
    return CURSOR_SECRET


@dataclass(frozen=True)
class RenderQueue:
    url: str
    arn: str
    dead_letter_url: str


def create_render_queue(moto_url: str, queue: Mapping[str, Any]) -> RenderQueue:
    """The queue and its dead-letter queue, with the template's timeout and receive count."""
    sqs = boto3.client("sqs", region_name=REGION, endpoint_url=moto_url)
    dead_letter_url = sqs.create_queue(QueueName=DEAD_LETTER_QUEUE)["QueueUrl"]
    dead_letter_arn = sqs.get_queue_attributes(
        QueueUrl=dead_letter_url, AttributeNames=["QueueArn"]
    )["Attributes"]["QueueArn"]
    redrive = queue.get("RedrivePolicy") or {}
    max_receives = int(redrive.get("maxReceiveCount", 3))
    attributes: dict[QueueAttributeNameType, str] = {
        "VisibilityTimeout": str(queue.get("VisibilityTimeout", 30)),
        "RedrivePolicy": json.dumps(
            {"deadLetterTargetArn": dead_letter_arn, "maxReceiveCount": max_receives}
        ),
    }
    url = sqs.create_queue(QueueName=QUEUE, Attributes=attributes)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    return RenderQueue(url=url, arn=arn, dead_letter_url=dead_letter_url)


def client_config(
    template: SamTemplate, pool: UserPool, *, moto_url: str, api_url: str
) -> dict[str, Any]:
    """/config.json: where the web app and other clients find Cognito and the API."""
    policy = (_first_of_type(template, "AWS::Cognito::UserPool").get("Policies") or {}).get(
        "PasswordPolicy"
    ) or {}
    return {
        "region": REGION,
        "userPoolId": pool.pool_id,
        "userPoolClientId": pool.client_id,
        "cognitoEndpoint": moto_url,
        "apiBaseUrl": f"{api_url}/api",
        "authFlow": LOCAL_AUTH_FLOW,
        # The web app states and checks the rules before Cognito refuses a new password.
        "passwordPolicy": {
            key[0].lower() + key[1:]: value
            for key, value in policy.items()
            if key in PASSWORD_RULES and _is_plain(value)
        },
    }
