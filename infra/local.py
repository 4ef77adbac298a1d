"""`make run`: the whole portal on this machine, with no AWS account and no Docker.

    python -m infra.local [--holders N]

An embedded AWS (moto's server on 127.0.0.1) gets the tables, the bucket, the render queue with
its dead-letter queue, the Cognito user pool with the demo contact persons, the verification keys
of the passes' QR codes (new ones on every start) and the demo data.
The local API Gateway (infra.gateway) serves the template's routes under /api on PORT (default
3000), the web app (web/dist, built by `make web`) on every other path, and the render worker
(infra.worker) feeds the queue to the render function. Ctrl-C stops it all.

Environment: PORT (default 3000), MOTO_PORT (default: any free port).
"""

from __future__ import annotations

import argparse
import base64
import errno
import functools
import gc
import json
import logging
import os
import secrets
import signal
import socket
import sys
import threading
import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from types import FrameType
from typing import TYPE_CHECKING, Any, Final

import boto3
from moto.cognitoidp import models as cognito_models
from moto.cognitoidp.responses import CognitoIdpResponse
from moto.core.responses import EmptyResult
from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import make_server

from infra import demo_data, importer
from infra.gateway import (
    CognitoTokenVerifier,
    Gateway,
    GatewayResponses,
    GatewayServer,
    LocalFunction,
    SamTemplate,
    TemplateError,
    routes_from,
)
from infra.tables import create_tables
from infra.webapp import WEB_DIST, WebApp, origin_of
from infra.worker import QueueWorker
from pasjes.logic.verification import new_secret

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient
    from mypy_boto3_cognito_idp.literals import ExplicitAuthFlowsTypeType
    from mypy_boto3_sqs.literals import QueueAttributeNameType
    from werkzeug.serving import BaseWSGIServer

REGION: Final = "eu-west-1"
HOST = "127.0.0.1"
DEFAULT_PORT = 3000
# How often the servers look for a shutdown request: Ctrl-C should feel instant.
SHUTDOWN_POLL_SECONDS = 0.1
BUCKET = "pasjes-passes"
QUEUE = "pasjes-render"
DEAD_LETTER_QUEUE = "pasjes-render-dlq"
# The local VerificationSecret: render signs the passes' codes with it, verify checks them.
VERIFICATION_SECRET = "pasjes-verification-keys"
TABLES = {
    "ORGANISATIONS_TABLE": "pasjes-organisations",
    "CONTACTS_TABLE": "pasjes-contacts",
    "HOLDERS_TABLE": "pasjes-holders",
    "REGISTRATIONS_TABLE": "pasjes-registrations",
    "REQUESTS_TABLE": "pasjes-requests",
    "IDEMPOTENCY_TABLE": "pasjes-idempotency",
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
)
CLIENT_PROPERTIES = (
    "ExplicitAuthFlows",
    "GenerateSecret",
    "PreventUserExistenceErrors",
    "EnableTokenRevocation",
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


class StartupError(Exception):
    """Why the stack cannot start, in one line for the person who typed `make run`."""


class Output:
    """One line at a time on stdout, from any thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def line(self, text: str) -> None:
        with self._lock:
            sys.stdout.write(text + "\n")
            sys.stdout.flush()


# --- ports and servers -------------------------------------------------------------------------


def _port(variable: str, default: int) -> int:
    raw = os.environ.get(variable, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) > 65535:
        raise StartupError(f"{variable}={raw!r} is not a port number (0-65535)")
    return int(raw)


def _listen_error(variable: str, port: int, error: OSError) -> StartupError:
    if error.errno == errno.EADDRINUSE:
        return StartupError(
            f"port {port} on {HOST} is already in use; stop whatever holds it or choose "
            f"another with {variable}=<port>"
        )
    return StartupError(f"cannot listen on {HOST}:{port} ({variable}): {error.strerror}")


def start_gateway_server(
    port: int, responses: GatewayResponses, log: Callable[[str], None]
) -> GatewayServer:
    try:
        return GatewayServer((HOST, port), responses=responses, log=log)
    except OSError as error:
        raise _listen_error("PORT", port, error) from error


def start_moto_server(port: int) -> BaseWSGIServer:
    """moto's server, as ThreadedMotoServer builds it, but bound here in the calling thread.

    ThreadedMotoServer binds inside its thread, where werkzeug answers a taken port with
    sys.exit(1): the thread dies and start() waits forever. Binding the socket first turns a
    taken port into an OSError we can explain.
    """
    # werkzeug would log every AWS call the handlers make; the gateway logs the ones that matter.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    # Without it moto accepts any TOTP code; with it, codes of its one fixed secret (which
    # AssociateSoftwareToken hands out), so two-step sign-in is checked as a real pool checks it.
    os.environ["MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP"] = "true"
    teach_moto_cognito()
    try:
        listener = socket.create_server((HOST, port))
    except OSError as error:
        raise _listen_error("MOTO_PORT", port, error) from error
    try:
        server = make_server(
            HOST,
            listener.getsockname()[1],
            DomainDispatcherApplication(create_backend_app),
            threaded=True,
            request_handler=MotoRequestHandler,
            fd=listener.fileno(),
        )
    finally:
        # make_server works on a duplicate of the descriptor.
        listener.close()
    serve = functools.partial(server.serve_forever, poll_interval=SHUTDOWN_POLL_SECONDS)
    threading.Thread(target=serve, name="moto", daemon=True).start()
    return server


# --- where moto's Cognito answers differently from a real user pool ----------------------------


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


# --- the environment every client and handler reads --------------------------------------------


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


def template_environment(template: SamTemplate) -> dict[str, str]:
    """The functions' environment variables that the template states outright.

    A `!Ref` to a parameter takes the parameter's default; references to resources are left out,
    as the local stack names those itself.
    """
    sections = [template.globals.get("Function") or {}]
    sections += [template.properties(f.logical_id) for f in template.functions]
    variables: dict[str, str] = {}
    for section in sections:
        declared = ((section.get("Environment") or {}).get("Variables")) or {}
        for name, value in declared.items():
            if isinstance(value, Mapping) and set(value) == {"Ref"}:
                default = (template.parameters.get(value["Ref"]) or {}).get("Default")
                if default is not None:
                    variables[name] = str(default)
            elif isinstance(value, str | int | float) and not isinstance(value, bool):
                variables[name] = str(value)
    return variables


def configure_environment(moto_url: str, template_variables: Mapping[str, str]) -> None:
    """Point every boto3 and pynamodb client of this process at moto, before any handler loads.

    botocore reads AWS_ENDPOINT_URL for any client made without an endpoint_url, which is how
    pynamodb makes its own, so no handler needs to know it is running locally.
    """
    for name in list(os.environ):
        # A developer's own AWS settings must neither reach a real account nor redirect a service.
        if name.startswith("AWS_ENDPOINT_URL_") or name in (
            "AWS_PROFILE",
            "AWS_DEFAULT_PROFILE",
            "AWS_SESSION_TOKEN",
            "AWS_SECURITY_TOKEN",
            "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
        ):
            del os.environ[name]
    os.environ.update(template_variables)
    os.environ.update(
        {
            "AWS_ENDPOINT_URL": moto_url,
            # moto accepts any credentials; these only keep a real profile's keys out of it.
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",  # nosec B105
            "AWS_DEFAULT_REGION": REGION,
            "AWS_REGION": REGION,
            # ~/.aws/config could name a profile's endpoint or opt out of AWS_ENDPOINT_URL.
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
            **TABLES,
            "PASSES_BUCKET": BUCKET,
            "CURSOR_SECRET": secrets.token_urlsafe(32),
            "POWERTOOLS_TRACE_DISABLED": "true",
        }
    )
    os.environ.setdefault("POWERTOOLS_SERVICE_NAME", "pasjesportaal")
    os.environ.setdefault("POWERTOOLS_METRICS_NAMESPACE", "Pasjesportaal")
    # Each invocation would print a CloudWatch metrics document between the request lines;
    # POWERTOOLS_METRICS_DISABLED=false shows them.
    os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
    # Powertools still warns that a handler published no metrics, once per function.
    warnings.filterwarnings("ignore", message="No application metrics to publish")


# --- the embedded AWS account ------------------------------------------------------------------


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
    subs: dict[str, str] = {}
    for email in users:
        created = idp.admin_create_user(
            UserPoolId=pool_id,
            Username=email,
            UserAttributes=[
                {"Name": "email", "Value": email},
                {"Name": "email_verified", "Value": "true"},
            ],
            MessageAction="SUPPRESS",
        )
        attributes = {a["Name"]: a.get("Value", "") for a in created["User"].get("Attributes", [])}
        idp.admin_set_user_password(
            UserPoolId=pool_id, Username=email, Password=password, Permanent=True
        )
        subs[email] = attributes["sub"]
    return UserPool(pool_id=pool_id, client_id=client_id, subs=subs)


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
    rules = _lifecycle_rules(_first_of_type(template, "AWS::S3::Bucket"))
    if rules:
        s3.put_bucket_lifecycle_configuration(
            Bucket=BUCKET,
            # Built from the template at run time; S3 validates the shape.
            LifecycleConfiguration={"Rules": rules},  # type: ignore[typeddict-item]
        )


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


# --- the stack ---------------------------------------------------------------------------------


@dataclass
class Stack:
    gateway_server: GatewayServer
    moto_server: BaseWSGIServer
    worker: QueueWorker | None = None
    serving: bool = False

    def stop(self) -> None:
        if self.worker is not None:
            # Asked first: its current long poll ends while the gateway shuts down.
            self.worker.stopping.set()
        # A socketserver's shutdown() waits for serve_forever, so only call it once that runs.
        if self.serving:
            self.gateway_server.shutdown()
        self.gateway_server.server_close()
        if self.worker is not None:
            self.worker.stop()
        # Last, because the handlers and the worker talk to it until they are done.
        self.moto_server.shutdown()
        self.moto_server.server_close()


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m infra.local",
        description="Run the portal locally: embedded AWS, local API Gateway, render worker.",
        epilog="Environment: PORT (default 3000), MOTO_PORT (default: a free port).",
    )
    parser.add_argument(
        "--holders",
        type=int,
        default=1200,
        help="number of demo holders to load (default 1200)",
    )
    return parser.parse_args(argv)


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    args = _arguments(argv)
    out = Output()
    # SIGTERM (a service manager, `kill`) stops the stack as cleanly as Ctrl-C does; SIGINT is
    # set too because a shell that starts us in the background has it ignored.
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, _interrupt)
    stack: Stack | None = None
    try:
        port = _port("PORT", DEFAULT_PORT)
        moto_port = _port("MOTO_PORT", 0)
        template = _load_template()
        gateway_server = start_gateway_server(port, template.gateway_responses, out.line)
        try:
            moto_server = start_moto_server(moto_port)
        except BaseException:
            gateway_server.server_close()
            raise
        stack = Stack(gateway_server=gateway_server, moto_server=moto_server)
        _run(stack, template, args, out)
    except StartupError as error:
        sys.stderr.write(f"pasjesportaal: {error}\n")
        return 1
    except KeyboardInterrupt:
        out.line("Stopping ...")
    finally:
        if stack is not None:
            stack.stop()
    out.line("Stopped.")
    return 0


def _load_template() -> SamTemplate:
    """template.yaml, read before anything starts: routes, answers and resources come from it."""
    try:
        template = SamTemplate.load()
        template.sqs_consumer()
    except TemplateError as error:
        raise StartupError(str(error)) from error
    return template


def _run(stack: Stack, template: SamTemplate, args: argparse.Namespace, out: Output) -> None:
    started = time.monotonic()
    # Loading creates objects that all stay alive; collecting meanwhile only costs startup time.
    gc.disable()
    moto_url = f"http://{HOST}:{stack.moto_server.port}"
    api_url = f"http://{HOST}:{stack.gateway_server.port}"
    render_spec, render_source = template.sqs_consumer()
    configure_environment(moto_url, template_environment(template))

    queue = create_render_queue(moto_url, template.properties(render_source.queue))
    # The last settings: pasjes.settings reads the environment once, when the tables are made.
    # Passes link to this portal, /v/{code}, with codes under the keys made here; the template
    # names a deployment's own origin and secret.
    os.environ["RENDER_QUEUE_URL"] = queue.url
    os.environ["VERIFICATION_SECRET_NAME"] = create_verification_keys(moto_url)
    os.environ["PUBLIC_ORIGIN"] = api_url
    create_bucket(moto_url, template)

    idp = boto3.client("cognito-idp", region_name=REGION, endpoint_url=moto_url)
    pool = create_user_pool(idp, template, demo_data.DEMO_USERS, demo_data.DEMO_PASSWORD)
    create_tables()

    def resolve_sub(email: str) -> str:
        if email not in pool.subs:
            raise importer.UnknownContact("not a demo user of the local user pool")
        return pool.subs[email]

    try:
        dataset = demo_data.generate(holders=args.holders, today=date.today())
    except ValueError as error:
        raise StartupError(f"--holders {args.holders}: {error}") from error
    report = importer.load(dataset, resolve_sub=resolve_sub)

    functions = {
        spec.logical_id: LocalFunction(spec, region=REGION, log=_stderr)
        for spec in template.functions
    }
    for function in functions.values():
        _cold_start(function)
    verifier = CognitoTokenVerifier.from_user_pool(
        endpoint=moto_url, region=REGION, user_pool_id=pool.pool_id, client_id=pool.client_id
    )
    stack.gateway_server.gateway = Gateway(
        routes=routes_from(template, functions),
        verifier=verifier,
        responses=template.gateway_responses,
        client_config=client_config(template, pool, moto_url=moto_url, api_url=api_url),
        log=_stderr,
        webapp=WebApp(WEB_DIST, connect_sources=(origin_of(moto_url),)),
    )
    stack.worker = QueueWorker(
        function=functions[render_spec.logical_id],
        event_source=render_source,
        queue_url=queue.url,
        queue_arn=queue.arn,
        sqs=boto3.client("sqs", region_name=REGION, endpoint_url=moto_url),
        region=REGION,
        log=out.line,
    )
    stack.worker.start()

    names = {o.id: o.name for o in dataset.organisations}
    width = max(len(email) for email in demo_data.DEMO_USERS)
    out.line(report.summary())
    out.line(f"Pasjesportaal is running locally ({time.monotonic() - started:.1f} s).")
    out.line(f"  Web app      {api_url}/")
    out.line(f"  API          {api_url}/api")
    out.line(f"  Config       {api_url}/config.json")
    out.line(f"  AWS (moto)   {moto_url}  user pool {pool.pool_id}, client {pool.client_id}")
    out.line(f"  Demo users   password {demo_data.DEMO_PASSWORD}")
    for email, organisation_ids in demo_data.DEMO_USERS.items():
        organisations = ", ".join(names.get(o, o) for o in organisation_ids)
        out.line(f"    {email:<{width}}  {organisations}")
    out.line("Press Ctrl-C to stop.")
    # Serving starts after the banner, so request lines follow it; early callers wait briefly.
    serve = functools.partial(
        stack.gateway_server.serve_forever, poll_interval=SHUTDOWN_POLL_SECONDS
    )
    threading.Thread(target=serve, name="gateway", daemon=True).start()
    stack.serving = True
    # moto's state and the demo data live until exit; frozen, the collector (and the collections
    # Python runs while exiting, seconds with this many objects) no longer walks them.
    gc.freeze()
    gc.enable()
    threading.Event().wait()


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


def _cold_start(function: LocalFunction) -> None:
    """Import each handler up front, so the first request is not the slow one.

    A handler that does not import is reported and the stack runs on: its routes answer 502,
    as a function that fails its init does in AWS.
    """
    try:
        function.load()
    except Exception as error:  # any import failure is the handler's, not the stack's
        _stderr(f"warning: {function.spec.module} does not load: {error!r}")


def _stderr(line: str) -> None:
    sys.stderr.write(line + "\n")
    sys.stderr.flush()


if __name__ == "__main__":
    sys.exit(main())
