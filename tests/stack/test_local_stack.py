"""`make run` end to end: sign in with boto3 against the local Cognito, call the API over HTTP.

The authorization matrix covers every endpoint `template.yaml` declares; a new endpoint without
an entry in ENDPOINTS fails `test_the_matrix_covers_every_endpoint_of_the_template`.
"""

from __future__ import annotations

import signal
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from moto.utilities.utils import load_resource

from infra.local.gateway.template import SamTemplate
from tests.stack.harness import (
    COLLEAGUE,
    CONTACT,
    MANUAL_EXAM_HOLDERS,
    STRANGER,
    StackClient,
    StackProcess,
    free_port,
    start_stack,
)

KEIRA = "keira-bhv"
UNKNOWN_REQUEST = "0000000000000000000000"


@dataclass(frozen=True)
class Endpoint:
    """How to call one endpoint for Keira BHV, and what each kind of caller gets."""

    method: str
    path: Callable[[str], str]  # from a request id of CONTACT's to the path under /api
    body: Any = None
    owner: int = 200  # CONTACT, contact of Keira BHV (and the owner of the request)
    colleague: int = 200  # COLLEAGUE, contact of Keira BHV, not the request's owner
    stranger: int = 404  # STRANGER, contact of another organisation only


ENDPOINTS: dict[tuple[str, str], Endpoint] = {
    ("GET", "/me"): Endpoint("GET", lambda _: "/me", stranger=200),
    ("GET", "/exam-types"): Endpoint("GET", lambda _: f"/exam-types?organisation={KEIRA}"),
    ("GET", "/holders"): Endpoint("GET", lambda _: f"/holders?organisation={KEIRA}"),
    ("GET", "/holders/{qualificationNumber}"): Endpoint(
        "GET", lambda _: f"/holders/73029884?organisation={KEIRA}"
    ),
    ("POST", "/requests"): Endpoint(
        "POST",
        lambda _: "/requests",
        body={"organisation": KEIRA, "qualificationNumbers": ["73029884"]},
        owner=202,
        colleague=202,
    ),
    ("POST", "/requests/preview"): Endpoint(
        "POST",
        lambda _: "/requests/preview",
        body={"organisation": KEIRA, "qualificationNumbers": ["73029884"]},
    ),
    ("GET", "/requests"): Endpoint("GET", lambda _: "/requests", stranger=200),
    ("GET", "/requests/{id}"): Endpoint("GET", lambda rid: f"/requests/{rid}", colleague=404),
    ("GET", "/requests/{id}/download"): Endpoint(
        "GET", lambda rid: f"/requests/{rid}/download", colleague=404
    ),
    ("GET", "/holders/export"): Endpoint(
        "GET", lambda _: f"/holders/export?organisation={KEIRA}&format=csv&examNumber=EX45465"
    ),
    # One's own settings: everyone has them, whatever their organisations.
    ("GET", "/settings"): Endpoint("GET", lambda _: "/settings", stranger=200),
    ("PUT", "/settings"): Endpoint(
        "PUT", lambda _: "/settings", body={"monthlyOverview": True}, stranger=200
    ),
}
MATRIX = sorted(ENDPOINTS)


def _call(stack: StackClient, endpoint: Endpoint, request_id: str, token: str | None) -> Any:
    return stack.request(
        endpoint.method, "/api" + endpoint.path(request_id), token=token, body=endpoint.body
    )


@pytest.fixture(scope="module")
def ready_request(stack: StackClient) -> str:
    """A request of CONTACT's for one Keira BHV holder, rendered and ready to download."""
    token = stack.sign_in(CONTACT)
    status, created = stack.post(
        "/api/requests", {"organisation": KEIRA, "qualificationNumbers": ["73029884"]}, token=token
    )
    assert status == 202, created
    stack.wait_until_ready(created["id"], token)
    return str(created["id"])


# --- tokens API Gateway must refuse ------------------------------------------------------------


def _claims_of(token: str) -> dict[str, Any]:
    return dict(jwt.decode(token, options={"verify_signature": False}))


def _moto_signed(claims: dict[str, Any]) -> str:
    """Signed with the local user pool's own key, so only the claims can be wrong."""
    key = jwt.PyJWK(load_resource("cognitoidp/resources/jwks-private.json")).key
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": "dummy"})


def _no_token(stack: StackClient) -> str | None:
    return None


def _garbage(stack: StackClient) -> str | None:
    return "Bearer not-a-token"


def _forged(stack: StackClient) -> str | None:
    # Right claims, right key id, but signed with a key the user pool never had.
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    claims = _claims_of(stack.sign_in(CONTACT))
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": "dummy"})


def _expired(stack: StackClient) -> str | None:
    claims = _claims_of(stack.sign_in(CONTACT))
    now = int(time.time())
    return _moto_signed({**claims, "iat": now - 7200, "auth_time": now - 7200, "exp": now - 60})


def _other_audience(stack: StackClient) -> str | None:
    return _moto_signed({**_claims_of(stack.sign_in(CONTACT)), "aud": "another-app-client"})


def _other_issuer(stack: StackClient) -> str | None:
    claims = _claims_of(stack.sign_in(CONTACT))
    other_pool = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_another"
    return _moto_signed({**claims, "iss": other_pool})


def _access_token(stack: StackClient) -> str | None:
    # A genuine token of the pool, but the authorizer takes ID tokens only.
    return "Bearer " + stack.authentication(CONTACT)["AccessToken"]


REFUSED_TOKENS: dict[str, Callable[[StackClient], str | None]] = {
    "no token": _no_token,
    "not a JWT": _garbage,
    "forged signature": _forged,
    "expired": _expired,
    "other audience": _other_audience,
    "other issuer": _other_issuer,
    "access token": _access_token,
}


# --- the stack as a newcomer meets it ----------------------------------------------------------


def test_config_json_tells_a_client_where_to_sign_in(stack: StackClient) -> None:
    status, config = stack.get("/config.json")

    assert status == 200
    assert set(config) == {
        "region",
        "userPoolId",
        "userPoolClientId",
        "cognitoEndpoint",
        "apiBaseUrl",
        "authFlow",
        "passwordPolicy",
    }
    # moto does not check SRP proofs, so locally the app signs in with the password flow.
    assert config["authFlow"] == "USER_PASSWORD_AUTH"
    assert config["region"] == "eu-west-1"
    assert config["userPoolId"].startswith("eu-west-1_")
    assert config["apiBaseUrl"] == f"{stack.base_url}/api"
    assert config["cognitoEndpoint"].startswith("http://127.0.0.1:")


def test_demo_contact_signs_in_and_sees_their_organisations(stack: StackClient) -> None:
    token = stack.sign_in(CONTACT)

    status, me = stack.get("/api/me", token=token)

    assert status == 200, me
    assert me["email"] == CONTACT
    assert {"id": KEIRA, "name": "Keira BHV"} in me["organisations"]
    assert len(me["organisations"]) == 2


def test_the_id_token_is_accepted_raw_and_after_bearer(stack: StackClient) -> None:
    token = stack.sign_in(COLLEAGUE)

    assert stack.get("/api/me", token=token)[0] == 200
    assert stack.get("/api/me", token=f"Bearer {token}")[0] == 200


def test_exam_number_search_finds_the_three_holders_of_the_manual(stack: StackClient) -> None:
    token = stack.sign_in(CONTACT)

    status, found = stack.get(f"/api/holders?organisation={KEIRA}&examNumber=EX45465", token=token)

    assert status == 200, found
    assert sorted(item["qualificationNumber"] for item in found["items"]) == sorted(
        MANUAL_EXAM_HOLDERS
    )
    assert found["total"] == 3


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/api/no-such-thing"), ("DELETE", "/api/me")],
)
def test_an_undeclared_route_is_api_gateways_403_in_json(
    stack: StackClient, method: str, path: str
) -> None:
    status, body = stack.request(method, path, token=stack.sign_in(CONTACT))

    assert status == 403
    assert body == {"message": "Missing Authentication Token", "code": "route_not_found"}


def test_paths_outside_the_api_are_the_web_app_as_cloudfront_serves_it(
    stack: StackClient,
) -> None:
    with urllib.request.urlopen(stack.base_url + "/verzoeken") as response:  # noqa: S310
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/html")
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


# --- requests the HTTP server refuses before API Gateway's routing ------------------------------

MALFORMED = {
    "request line over 64 KB": (b"GET /api/holders?q=" + b"a" * 70_000 + b" HTTP/1.1", 414),
    "space in the query": (b"GET /api/holders?q=van der HTTP/1.1", 400),
    "raw UTF-8 in the path": (b"GET /api/holders/caf\xc3\xa9 HTTP/1.1", 400),
}


@pytest.mark.parametrize("kind", MALFORMED)
def test_a_malformed_request_is_answered_in_json_not_html(stack: StackClient, kind: str) -> None:
    request_line, expected = MALFORMED[kind]

    status, content_type, body = stack.send_raw(request_line + b"\r\nHost: 127.0.0.1\r\n\r\n")

    assert (status, content_type) == (expected, "application/json")
    assert set(body) == {"message", "code"}
    assert body["code"] == "bad_request"


def test_a_body_over_10_mb_is_refused_as_api_gateway_refuses_it(stack: StackClient) -> None:
    token = stack.sign_in(CONTACT)
    # Only the headers are sent: the gateway answers on the declared length.
    request = (
        b"POST /api/requests HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Authorization: " + token.encode() + b"\r\nContent-Length: %d\r\n\r\n" % (10 * 2**20 + 1)
    )

    status, content_type, body = stack.send_raw(request)

    assert (status, content_type) == (413, "application/json")
    assert set(body) == {"message", "code"}
    assert body["code"] == "request_too_large"


# --- the authorization matrix ------------------------------------------------------------------


def test_the_matrix_covers_every_endpoint_of_the_template() -> None:
    declared = {
        (event.method, event.path)
        for function in SamTemplate.load().functions
        for event in function.api_events
    }

    # The public check takes no token at all: tests/aws/test_verify_api.py covers it.
    assert declared - {("GET", "/verify/{code}")} == set(ENDPOINTS)


@pytest.mark.parametrize("kind", sorted(REFUSED_TOKENS))
@pytest.mark.parametrize("endpoint", MATRIX, ids=" ".join)
def test_a_request_without_a_valid_id_token_is_refused(
    stack: StackClient, ready_request: str, endpoint: tuple[str, str], kind: str
) -> None:
    token = REFUSED_TOKENS[kind](stack)

    status, body = _call(stack, ENDPOINTS[endpoint], ready_request, token)

    assert status == 401, body
    assert set(body) == {"message", "code"}
    assert body["code"] == "unauthenticated"


@pytest.mark.parametrize("endpoint", MATRIX, ids=" ".join)
def test_a_contact_of_another_organisation_sees_nothing_of_keira_bhv(
    stack: StackClient, ready_request: str, endpoint: tuple[str, str]
) -> None:
    expected = ENDPOINTS[endpoint]

    status, body = _call(stack, expected, ready_request, stack.sign_in(STRANGER))

    assert status == expected.stranger, body
    if status == 200:
        assert KEIRA not in str(body)
        assert ready_request not in str(body)


@pytest.mark.parametrize("endpoint", MATRIX, ids=" ".join)
def test_a_colleague_at_keira_bhv_sees_its_holders_but_not_someone_elses_request(
    stack: StackClient, ready_request: str, endpoint: tuple[str, str]
) -> None:
    expected = ENDPOINTS[endpoint]

    status, body = _call(stack, expected, ready_request, stack.sign_in(COLLEAGUE))

    assert status == expected.colleague, body
    if endpoint == ("GET", "/requests"):
        assert ready_request not in {item["id"] for item in body["items"]}


@pytest.mark.parametrize("endpoint", MATRIX, ids=" ".join)
def test_the_contact_of_keira_bhv_gets_an_answer(
    stack: StackClient, ready_request: str, endpoint: tuple[str, str]
) -> None:
    expected = ENDPOINTS[endpoint]

    status, body = _call(stack, expected, ready_request, stack.sign_in(CONTACT))

    assert status == expected.owner, body


def test_the_owner_gets_404_for_a_request_that_does_not_exist(stack: StackClient) -> None:
    token = stack.sign_in(CONTACT)

    assert stack.get(f"/api/requests/{UNKNOWN_REQUEST}", token=token)[0] == 404
    assert stack.get(f"/api/requests/{UNKNOWN_REQUEST}/download", token=token)[0] == 404


# --- starting and stopping ---------------------------------------------------------------------


def test_a_second_stack_on_the_same_port_fails_with_a_clear_message(
    stack_process: StackProcess, tmp_path: Path
) -> None:
    second = start_stack(tmp_path, port=stack_process.port)

    code = second.process.wait(timeout=60)

    assert code == 1
    output = second.output().strip()
    assert f"port {stack_process.port}" in output
    assert "already in use" in output
    assert "Traceback" not in output


def test_a_taken_moto_port_fails_with_a_clear_message(
    stack_process: StackProcess, tmp_path: Path
) -> None:
    second = start_stack(tmp_path, moto_port=stack_process.moto_port)

    code = second.process.wait(timeout=60)

    assert code == 1
    output = second.output().strip()
    assert "MOTO_PORT" in output
    assert "Traceback" not in output


def test_ctrl_c_stops_the_stack_cleanly(tmp_path: Path) -> None:
    started = start_stack(tmp_path, port=free_port(), arguments=["--holders", "100"])
    started.wait_until_ready()

    code = started.interrupt(signal.SIGINT)

    assert code == 0, started.output()
    assert started.output().rstrip().endswith("Stopped.")
