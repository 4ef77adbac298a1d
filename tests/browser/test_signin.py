"""Signing in to the web app, as a contact person does it, against the local stack's Cognito."""

from __future__ import annotations

import base64
import json
import re
import time
import urllib.request
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from botocore.exceptions import ClientError
from playwright.sync_api import Page, expect

from infra.local.totp import LOCAL_TOTP_SECRET, current_code, wrong_code
from tests.browser.helpers import (
    DEMO_PASSWORD,
    answer_second_step,
    assert_accessible,
    assert_no_horizontal_scroll,
    screenshot,
    sign_in,
)
from tests.stack.harness import COLLEAGUE, CONTACT, STRANGER, StackClient

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

WRONG_CREDENTIALS = "E-mailadres of wachtwoord klopt niet"
NEW_PASSWORD = "Mijn-eigen-wachtwoord-2026"
TEMPORARY_PASSWORD = "Tijdelijk-wachtwoord-1"
CODE_FIELD = "Code uit je authenticator-app"
PHONE_WIDTH = 360
CODE_MISMATCH = "De code klopt niet. Controleer de code en probeer het opnieuw."


# --- helpers -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cognito(stack: StackClient) -> CognitoIdentityProviderClient:
    """The stack's Cognito, as an operator's AWS CLI reaches a real pool."""
    return boto3.client(
        "cognito-idp",
        region_name=stack.config["region"],
        endpoint_url=stack.config["cognitoEndpoint"],
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


@pytest.fixture
def new_contact(stack: StackClient, cognito: CognitoIdentityProviderClient) -> Callable[..., str]:
    """Creates a user as `admin-create-user` does: a temporary password unless `permanent`."""

    def create(password: str = TEMPORARY_PASSWORD, *, permanent: bool = False) -> str:
        email = f"nieuw-{uuid.uuid4().hex[:10]}@keira-bhv.example"
        cognito.admin_create_user(
            UserPoolId=stack.config["userPoolId"],
            Username=email,
            TemporaryPassword=password,
            UserAttributes=[
                {"Name": "email", "Value": email},
                {"Name": "email_verified", "Value": "true"},
            ],
            MessageAction="SUPPRESS",
        )
        if permanent:
            cognito.admin_set_user_password(
                UserPoolId=stack.config["userPoolId"],
                Username=email,
                Password=password,
                Permanent=True,
            )
        return email

    return create


def storage(page: Page, kind: str = "sessionStorage") -> dict[str, str]:
    entries: dict[str, str] = page.evaluate(f"() => ({{ ...window.{kind} }})")
    return entries


def stored_token(page: Page, name: str) -> str:
    tokens = [v for k, v in storage(page).items() if k.endswith(f".{name}")]
    assert len(tokens) == 1, f"expected one {name} in sessionStorage, found {len(tokens)}"
    return tokens[0]


def claims(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    decoded: dict[str, Any] = json.loads(base64.urlsafe_b64decode(payload + "==="))
    return decoded


def with_expiry(token: str, exp: int) -> str:
    """The token with another `exp` (and so a broken signature), as the tab would hold it later."""
    header, _, signature = token.split(".")
    payload = {**claims(token), "exp": exp}
    encoded = base64.urlsafe_b64encode(json.dumps(payload).encode()).rstrip(b"=").decode()
    return f"{header}.{encoded}.{signature}"


def set_stored_token(page: Page, name: str, value: str) -> None:
    page.evaluate(
        """([name, value]) => {
            for (const key of Object.keys(sessionStorage)) {
                if (key.endsWith("." + name)) sessionStorage.setItem(key, value);
            }
        }""",
        [name, value],
    )


def expect_error(page: Page, message: str, field: str) -> None:
    """The GOV.UK pattern: a focused summary that links to the field, the message at the field."""
    summary = page.get_by_role("heading", name="Er is een probleem")
    expect(summary).to_be_visible()
    expect(page.locator(":focus")).to_contain_text("Er is een probleem")
    expect(page.get_by_role("link", name=message)).to_be_visible()
    expect(page.get_by_label(field, exact=True)).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_text(f"Fout: {message}")).to_be_visible()


def sign_in_form(page: Page, email: str, password: str) -> None:
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord", exact=True).fill(password)
    page.get_by_role("button", name="Inloggen", exact=True).click()


# --- signing in --------------------------------------------------------------------------------


@pytest.mark.parametrize("email", [CONTACT, COLLEAGUE, STRANGER])
def test_each_demo_contact_person_signs_in(page: Page, base_url: str, email: str) -> None:
    page.goto(base_url + "/")
    expect(page.get_by_role("heading", name="Inloggen")).to_be_visible()
    expect(page.get_by_role("button", name="Uitloggen")).to_be_hidden()

    sign_in(page, base_url, email)

    expect(page.get_by_role("button", name="Tweestapsverificatie")).to_be_visible()
    expect(page.get_by_role("heading", name="Inloggen")).to_be_hidden()
    assert storage(page, "localStorage") == {}


def test_the_sign_in_screen_is_accessible_on_a_desktop_and_a_phone(
    page: Page, phone_page: Page, base_url: str
) -> None:
    for name, screen in (("desktop", page), ("phone", phone_page)):
        screen.goto(base_url + "/")
        expect(screen.get_by_role("button", name="Inloggen", exact=True)).to_be_visible()
        assert_accessible(screen)
        assert_no_horizontal_scroll(screen)
        screenshot(screen, f"signin-{name}")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Naar de inhoud")).to_be_focused()


@pytest.mark.parametrize(
    ("email", "password"),
    [(CONTACT, "Niet-mijn-wachtwoord-1"), ("niemand@keira-bhv.example", DEMO_PASSWORD)],
    ids=["wrong password", "unknown user"],
)
def test_a_wrong_password_or_unknown_user_is_refused_with_one_message(
    page: Page, base_url: str, email: str, password: str
) -> None:
    page.goto(base_url + "/")

    sign_in_form(page, email, password)

    expect_error(page, WRONG_CREDENTIALS, "Wachtwoord")
    expect(page.get_by_role("button", name="Uitloggen")).to_be_hidden()
    assert storage(page) == {}
    assert_accessible(page)
    screenshot(page, f"signin-error-{'unknown' if 'niemand' in email else 'wrong'}")
    page.get_by_role("link", name=WRONG_CREDENTIALS).click()
    expect(page.get_by_label("Wachtwoord", exact=True)).to_be_focused()


def test_empty_fields_are_named_before_anything_is_sent(
    page: Page, base_url: str, stack: StackClient
) -> None:
    page.goto(base_url + "/")
    calls: list[str] = []
    page.on("request", lambda request: calls.append(request.url))

    page.get_by_role("button", name="Inloggen", exact=True).click()

    expect_error(page, "Vul je e-mailadres in", "E-mailadres")
    expect(page.get_by_role("link", name="Vul je wachtwoord in")).to_be_visible()
    assert not [url for url in calls if url.startswith(stack.config["cognitoEndpoint"])]


def test_a_first_sign_in_sets_a_new_password(
    page: Page, base_url: str, new_contact: Callable[..., str]
) -> None:
    email = new_contact(TEMPORARY_PASSWORD)
    page.goto(base_url + "/")
    sign_in_form(page, email, TEMPORARY_PASSWORD)
    expect(page.get_by_role("heading", name="Nieuw wachtwoord instellen")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "signin-new-password")

    page.get_by_label("Nieuw wachtwoord", exact=True).fill("kort")
    page.get_by_label("Herhaal nieuw wachtwoord").fill("kort")
    page.get_by_role("button", name="Wachtwoord opslaan").click()
    expect(page.get_by_role("heading", name="Er is een probleem")).to_be_visible()
    expect(page.get_by_text("minstens 12 tekens").first).to_be_visible()

    page.get_by_label("Nieuw wachtwoord", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Herhaal nieuw wachtwoord").fill(NEW_PASSWORD + "x")
    page.get_by_role("button", name="Wachtwoord opslaan").click()
    expect_error(page, "De twee wachtwoorden zijn niet hetzelfde", "Herhaal nieuw wachtwoord")

    page.get_by_label("Herhaal nieuw wachtwoord").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Wachtwoord opslaan").click()
    # An invited user's first sign-in goes on to link the authenticator app (MFA_SETUP).
    expect(page.get_by_role("heading", name="Tweestapsverificatie instellen")).to_be_visible()
    answer_second_step(page)
    expect(page.get_by_role("button", name="Uitloggen")).to_be_visible()

    page.get_by_role("button", name="Uitloggen").click()
    sign_in_form(page, email, TEMPORARY_PASSWORD)
    expect_error(page, WRONG_CREDENTIALS, "Wachtwoord")
    sign_in(page, base_url, email, NEW_PASSWORD)


def test_a_forgotten_password_is_replaced_with_the_emailed_code(
    page: Page, base_url: str, new_contact: Callable[..., str]
) -> None:
    email = new_contact("Vergeten-wachtwoord-1", permanent=True)
    page.goto(base_url + "/")
    page.get_by_role("button", name="Wachtwoord vergeten").click()
    expect(page.get_by_role("heading", name="Wachtwoord vergeten")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "signin-forgot-password")

    page.get_by_label("E-mailadres").fill(email)
    # The local Cognito (moto) sends no e-mail: it returns the code it made in a response
    # header of ForgotPassword instead, which is where this test reads it.
    with page.expect_response(
        lambda r: r.request.headers.get("x-amz-target", "").endswith(".ForgotPassword")
    ) as answer:
        page.get_by_role("button", name="Code versturen").click()
    code = answer.value.header_value("x-moto-forgot-password-confirmation-code")
    assert code, "the local Cognito made no confirmation code"
    expect(page.get_by_role("heading", name="Nieuw wachtwoord instellen")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "signin-reset-password")

    wrong = code.rsplit(":", 1)[0] + ":" + ("000000" if not code.endswith("000000") else "111111")
    page.get_by_label("Code", exact=True).fill(wrong)
    page.get_by_label("Nieuw wachtwoord", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Herhaal nieuw wachtwoord").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Wachtwoord opslaan").click()
    # moto answers any wrong code with ExpiredCodeException (Cognito: CodeMismatchException).
    expect_error(page, "De code is verlopen. Vraag een nieuwe code aan.", "Code")

    page.get_by_label("Code", exact=True).fill(code)
    page.get_by_label("Nieuw wachtwoord", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Herhaal nieuw wachtwoord").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Wachtwoord opslaan").click()
    expect(page.get_by_role("main").get_by_text("Je wachtwoord is gewijzigd")).to_be_visible()
    expect(page.get_by_label("E-mailadres")).to_have_value(email)

    sign_in_form(page, email, "Vergeten-wachtwoord-1")
    expect_error(page, WRONG_CREDENTIALS, "Wachtwoord")
    sign_in(page, base_url, email, NEW_PASSWORD)


def test_an_unknown_address_gets_the_same_answer_when_the_password_is_forgotten(
    page: Page, base_url: str
) -> None:
    page.goto(base_url + "/")
    page.get_by_role("button", name="Wachtwoord vergeten").click()
    page.get_by_label("E-mailadres").fill("niemand@keira-bhv.example")
    page.get_by_role("button", name="Code versturen").click()

    expect(page.get_by_role("heading", name="Nieuw wachtwoord instellen")).to_be_visible()
    expect(page.get_by_text("Als niemand@keira-bhv.example bij een account hoort")).to_be_visible()


# --- two-step verification ---------------------------------------------------------------------


def test_the_first_sign_in_links_an_authenticator_app_and_later_ones_ask_its_code(
    page: Page, base_url: str, new_contact: Callable[..., str]
) -> None:
    email = new_contact(NEW_PASSWORD, permanent=True)
    page.goto(base_url + "/")
    sign_in_form(page, email, NEW_PASSWORD)

    expect(page.get_by_role("heading", name="Tweestapsverificatie instellen")).to_be_visible()
    expect(page.get_by_role("button", name="Uitloggen")).to_be_hidden()
    expect(
        page.get_by_role("img", name="QR-code om te scannen met je authenticator-app")
    ).to_be_visible()
    secret = page.locator("#totp-secret").inner_text()
    assert secret.replace(" ", "") == LOCAL_TOTP_SECRET
    assert_accessible(page)
    screenshot(page, "mfa-setup")

    page.get_by_label(CODE_FIELD).fill(wrong_code(secret))
    page.get_by_role("button", name="Bevestigen en inloggen").click()
    expect_error(page, CODE_MISMATCH, CODE_FIELD)
    assert storage(page) == {}

    page.get_by_label(CODE_FIELD).fill(current_code(secret))
    page.get_by_role("button", name="Bevestigen en inloggen").click()
    expect(page.get_by_role("button", name="Uitloggen")).to_be_visible()
    expect(page.get_by_role("banner")).to_contain_text(email)

    page.get_by_role("button", name="Uitloggen").click()
    sign_in_form(page, email, NEW_PASSWORD)
    expect(page.get_by_role("heading", name="Tweestapsverificatie", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Uitloggen")).to_be_hidden()
    # Who to ask when the phone is lost (the operator's reset, README).
    expect(page.get_by_text("Telefoon kwijt")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "signin-totp")

    page.get_by_label(CODE_FIELD).fill(wrong_code(secret))
    page.get_by_role("button", name="Inloggen", exact=True).click()
    expect_error(page, CODE_MISMATCH, CODE_FIELD)
    assert storage(page) == {}

    page.get_by_label(CODE_FIELD).fill(current_code(secret))
    page.get_by_role("button", name="Inloggen", exact=True).click()
    expect(page.get_by_role("button", name="Uitloggen")).to_be_visible()
    expect(page.get_by_role("banner")).to_contain_text(email)
    # Focus on the page's heading, where a screen reader starts reading.
    expect(page.locator("h1:focus")).to_be_visible()


def test_tweestapsverificatie_says_it_is_on_and_links_a_new_app(
    page: Page, phone_page: Page, base_url: str
) -> None:
    sign_in(page, base_url, COLLEAGUE)
    page.get_by_role("button", name="Tweestapsverificatie").click()

    expect(page.get_by_text("Tweestapsverificatie staat aan.")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "mfa-status")
    page.get_by_role("button", name="Nieuwe authenticator-app koppelen").click()
    expect(page.get_by_role("heading", name="Tweestapsverificatie instellen")).to_be_visible()
    # The link that opens the app is for phones: on a desktop there is the QR code to scan.
    expect(page.get_by_role("link", name="Open in je authenticator-app")).to_be_hidden()
    page.get_by_label(CODE_FIELD).fill(current_code(page.locator("#totp-secret").inner_text()))
    page.get_by_role("button", name="Bevestigen").click()
    expect(page.get_by_role("heading", name="Tweestapsverificatie staat aan")).to_be_visible()

    sign_in(phone_page, base_url, COLLEAGUE)
    phone_page.get_by_role("button", name="Tweestapsverificatie").click()
    phone_page.get_by_role("button", name="Nieuwe authenticator-app koppelen").click()
    app_link = phone_page.get_by_role("link", name="Open in je authenticator-app")
    expect(app_link).to_be_visible()
    href = app_link.get_attribute("href") or ""
    assert href.startswith("otpauth://totp/Pasjesportaal%3A")
    assert f"secret={LOCAL_TOTP_SECRET}" in href
    qr = phone_page.get_by_role("img", name="QR-code om te scannen met je authenticator-app")
    qr_box, link_box = qr.bounding_box(), app_link.bounding_box()
    assert qr_box
    assert link_box
    # Beside the QR code, within the phone's width.
    assert link_box["x"] + link_box["width"] <= PHONE_WIDTH
    assert link_box["y"] < qr_box["y"] + qr_box["height"] + 16
    assert_accessible(phone_page)
    assert_no_horizontal_scroll(phone_page)
    screenshot(phone_page, "mfa-setup-phone")


def admin_delete_software_token(stack: StackClient, email: str) -> None:
    """The operator's reset of a lost phone (README), sent as the AWS CLI sends it: this
    botocore does not know AdminDeleteSoftwareToken yet; the local pool does."""
    region = stack.config["region"]
    request = urllib.request.Request(  # noqa: S310 - the local stack's own Cognito
        stack.config["cognitoEndpoint"] + "/",
        data=json.dumps({"UserPoolId": stack.config["userPoolId"], "Username": email}).encode(),
        method="POST",
        headers={
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": "AWSCognitoIdentityProviderService.AdminDeleteSoftwareToken",
            "Authorization": "AWS4-HMAC-SHA256 Credential=testing/20260101/"
            f"{region}/cognito-idp/aws4_request, SignedHeaders=host, Signature=0",
        },
    )
    with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
        assert answer.status == 200


def test_after_the_operator_resets_a_lost_phone_the_next_sign_in_links_a_new_app(
    page: Page, base_url: str, stack: StackClient, new_contact: Callable[..., str]
) -> None:
    email = new_contact(NEW_PASSWORD, permanent=True)
    sign_in(page, base_url, email, NEW_PASSWORD)
    page.get_by_role("button", name="Uitloggen").click()

    admin_delete_software_token(stack, email)

    sign_in_form(page, email, NEW_PASSWORD)
    expect(page.get_by_role("heading", name="Tweestapsverificatie instellen")).to_be_visible()
    answer_second_step(page)
    expect(page.get_by_role("button", name="Uitloggen")).to_be_visible()


# --- the session -------------------------------------------------------------------------------


def test_a_reload_keeps_the_tab_signed_in(page: Page, base_url: str) -> None:
    sign_in(page, base_url, CONTACT)

    page.reload()

    expect(page.get_by_role("button", name="Uitloggen")).to_be_visible()
    expect(page.get_by_role("banner")).to_contain_text(CONTACT)
    expect(page.get_by_label("Wachtwoord", exact=True)).to_have_count(0)


def test_a_new_tab_starts_signed_out(page: Page, base_url: str) -> None:
    sign_in(page, base_url, CONTACT)

    other = page.context.new_page()
    other.goto(base_url + "/")

    expect(other.get_by_role("button", name="Inloggen", exact=True)).to_be_visible()


def test_tokens_stay_in_session_storage_only(page: Page, base_url: str) -> None:
    urls: list[str] = []
    page.on("request", lambda request: urls.append(request.url))

    sign_in(page, base_url, CONTACT)
    page.reload()
    expect(page.get_by_role("button", name="Uitloggen")).to_be_visible()

    id_token = stored_token(page, "idToken")
    refresh_token = stored_token(page, "refreshToken")
    assert claims(id_token)["email"] == CONTACT
    assert storage(page, "localStorage") == {}
    assert page.context.cookies() == []
    assert page.evaluate("() => document.cookie") == ""
    for url in [*urls, page.url]:
        assert id_token not in url
        assert refresh_token not in url
        assert DEMO_PASSWORD not in url


def test_an_id_token_about_to_expire_is_refreshed_before_use(page: Page, base_url: str) -> None:
    sign_in(page, base_url, CONTACT)
    old = stored_token(page, "idToken")
    # Four minutes left: inside the five-minute margin, so the next API call refreshes first.
    set_stored_token(page, "idToken", with_expiry(old, int(time.time()) + 240))

    with page.expect_request(lambda r: "/api/" in r.url and "authorization" in r.headers) as call:
        page.reload()

    sent = call.value.headers["authorization"]
    assert claims(sent)["exp"] > time.time() + 300
    assert stored_token(page, "idToken") == sent
    expect(page.get_by_role("button", name="Uitloggen")).to_be_visible()


def test_signing_out_revokes_the_refresh_token_and_forgets_the_tab(
    page: Page, base_url: str, cognito: CognitoIdentityProviderClient, stack: StackClient
) -> None:
    sign_in(page, base_url, COLLEAGUE)
    refresh_token = stored_token(page, "refreshToken")
    page.evaluate("() => sessionStorage.setItem('pasjes-example-selection', '[\"99731441\"]')")

    page.get_by_role("button", name="Uitloggen").click()

    expect(page.get_by_role("main").get_by_text("Je bent uitgelogd.")).to_be_visible()
    expect(page.get_by_role("button", name="Uitloggen")).to_be_hidden()
    assert storage(page) == {}
    page.reload()
    expect(page.get_by_role("button", name="Inloggen", exact=True)).to_be_visible()
    with pytest.raises(ClientError) as refused:
        cognito.initiate_auth(
            ClientId=stack.config["userPoolClientId"],
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": refresh_token},
        )
    assert refused.value.response["Error"]["Code"] == "NotAuthorizedException"


def test_an_ended_session_asks_to_sign_in_again_and_returns_to_the_same_page(
    page: Page, base_url: str, cognito: CognitoIdentityProviderClient, stack: StackClient
) -> None:
    sign_in(page, base_url, CONTACT)
    page.goto(base_url + "/verzoeken")
    expect(page.get_by_role("button", name="Uitloggen")).to_be_visible()
    # Hours later: the ID token has expired and the refresh token no longer works.
    cognito.admin_user_global_sign_out(UserPoolId=stack.config["userPoolId"], Username=CONTACT)
    set_stored_token(page, "idToken", with_expiry(stored_token(page, "idToken"), 1))

    page.reload()

    expect(page.get_by_role("main").get_by_text("Je sessie is verlopen")).to_be_visible()
    expect(page.get_by_label("E-mailadres")).to_have_value(CONTACT)
    assert_accessible(page)
    screenshot(page, "signin-session-expired")
    page.get_by_label("Wachtwoord", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Inloggen", exact=True).click()
    answer_second_step(page)
    expect(page.get_by_role("button", name="Uitloggen")).to_be_visible()
    expect(page).to_have_url(re.compile(re.escape(base_url + "/verzoeken")))


# --- headers -----------------------------------------------------------------------------------


def test_the_app_is_served_with_a_strict_policy_and_breaks_none_of_it(
    page: Page, base_url: str, stack: StackClient
) -> None:
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )

    response = page.goto(base_url + "/")
    assert response is not None
    sign_in(page, base_url, CONTACT)
    page.get_by_role("button", name="Tweestapsverificatie").click()
    page.get_by_role("button", name="Nieuwe authenticator-app koppelen").click()
    expect(page.get_by_role("heading", name="Tweestapsverificatie instellen")).to_be_visible()

    headers = response.headers
    policy = headers["content-security-policy"]
    assert "script-src 'self';" in policy
    assert "style-src 'self';" in policy
    assert "frame-ancestors 'none'" in policy
    assert f"connect-src 'self' {stack.config['cognitoEndpoint']};" in policy
    assert "unsafe" not in policy
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["cache-control"] == "no-cache"
    assert violations == []
