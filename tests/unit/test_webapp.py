"""The web app's static files as the local stack serves them: headers, fallback, traversal."""

from __future__ import annotations

from pathlib import Path

import pytest

from infra.local.gateway.messages import HttpRequest, HttpResponse
from infra.local.gateway.pipeline import Gateway
from infra.local.gateway.responses import GatewayResponses
from infra.local.gateway.template import SamTemplate
from infra.local.webapp import WebApp, content_security_policy, origin_of

COGNITO = "http://127.0.0.1:5100"
INDEX = b"<!doctype html><title>Pasjesportaal</title>"


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    root = tmp_path / "dist"
    (root / "chunks").mkdir(parents=True)
    (root / "index.html").write_bytes(INDEX)
    (root / "app.js").write_text("console.log('app')")
    (root / "app.css").write_text("body{margin:0}")
    (root / "favicon.svg").write_text("<svg/>")
    (root / "chunks" / "verify-AB12CD.js").write_text("export{}")
    (root / ".env").write_text("SECRET=1")
    (tmp_path / "secret.txt").write_text("outside the root")
    return root


def get(app: WebApp, target: str, method: str = "GET", **headers: str) -> HttpResponse:
    return app.answer(HttpRequest(method=method, target=target, headers=list(headers.items())))


def header(response: HttpResponse, name: str) -> str | None:
    found = [v for k, v in response.headers if k.lower() == name.lower()]
    return found[-1] if found else None


@pytest.fixture
def app(dist: Path) -> WebApp:
    return WebApp(dist, connect_sources=(COGNITO,))


def test_the_root_is_index_html_revalidated_on_every_load(app: WebApp) -> None:
    response = get(app, "/")

    assert response.status == 200
    assert response.body == INDEX
    assert header(response, "Content-Type") == "text/html; charset=utf-8"
    assert header(response, "Cache-Control") == "no-cache"


@pytest.mark.parametrize(
    "target",
    ["/app.js", "/verzoeken", "/?organisation=keira-bhv&q=test", "/v/ABC123", "/app.js/"],
)
def test_every_answer_carries_the_security_headers(app: WebApp, target: str) -> None:
    response = get(app, target)

    csp = header(response, "Content-Security-Policy") or ""
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["connect-src"] == f"'self' {COGNITO}"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'none'"
    assert "unsafe-inline" not in csp
    assert header(response, "X-Content-Type-Options") == "nosniff"
    assert header(response, "Referrer-Policy") == "no-referrer"


@pytest.mark.parametrize(
    ("target", "content_type"),
    [
        ("/app.js", "text/javascript; charset=utf-8"),
        ("/app.css", "text/css; charset=utf-8"),
        ("/favicon.svg", "image/svg+xml"),
        ("/index.html", "text/html; charset=utf-8"),
    ],
)
def test_assets_have_their_content_type(app: WebApp, target: str, content_type: str) -> None:
    response = get(app, target)

    assert response.status == 200
    assert header(response, "Content-Type") == content_type


def test_hashed_chunks_are_cached_for_good_and_the_rest_revalidated(app: WebApp) -> None:
    assert "immutable" in (header(get(app, "/chunks/verify-AB12CD.js"), "Cache-Control") or "")
    assert header(get(app, "/app.js"), "Cache-Control") == "no-cache"


def test_a_known_etag_answers_not_modified_without_a_body(app: WebApp) -> None:
    etag = header(get(app, "/app.js"), "ETag") or ""

    again = get(app, "/app.js", **{"If-None-Match": etag})

    assert again.status == 304
    assert again.body == b""


@pytest.mark.parametrize("target", ["/verzoeken", "/v", "/v/", "/v/ABC123", "/a/b/c", "/?page=2"])
def test_a_path_without_a_file_loads_the_app(app: WebApp, target: str) -> None:
    response = get(app, target)

    assert response.status == 200
    assert response.body == INDEX


def test_a_missing_asset_is_not_found_rather_than_html(app: WebApp) -> None:
    response = get(app, "/app-old.js")

    assert response.status == 404
    assert header(response, "Content-Type") == "text/plain; charset=utf-8"


@pytest.mark.parametrize(
    "target",
    [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/chunks/../../secret.txt",
        "/chunks/%2E%2E/%2E%2E/secret.txt",
        "/..%2fsecret.txt",
        "/%5c..%5csecret.txt",
        "/.env",
        "/chunks/%00.js",
    ],
)
def test_nothing_outside_the_build_or_hidden_is_served(app: WebApp, target: str) -> None:
    response = get(app, target)

    assert response.status == 404
    assert b"outside the root" not in response.body
    assert b"SECRET" not in response.body


def test_a_symlink_out_of_the_build_is_not_followed(app: WebApp, dist: Path) -> None:
    (dist / "leak.txt").symlink_to(dist.parent / "secret.txt")

    response = get(app, "/leak.txt")

    assert response.status == 404


def test_only_get_and_head_are_served(app: WebApp) -> None:
    response = get(app, "/", method="POST")

    assert response.status == 405
    assert header(response, "Allow") == "GET, HEAD"


def test_without_a_build_the_page_says_how_to_make_one(tmp_path: Path) -> None:
    response = get(WebApp(tmp_path / "missing"), "/")

    assert response.status == 503
    assert b"make web" in response.body
    assert header(response, "Content-Security-Policy")


def test_the_gateway_serves_the_app_outside_api_and_config(app: WebApp) -> None:
    responses: GatewayResponses = SamTemplate.load().gateway_responses
    gateway = Gateway(
        routes=[],
        verifier=None,  # type: ignore[arg-type]  # no /api route is called
        responses=responses,
        client_config={"authFlow": "USER_PASSWORD_AUTH"},
        webapp=app,
    )

    page = gateway.handle(HttpRequest("GET", "/verzoeken", []))
    config = gateway.handle(HttpRequest("GET", "/config.json", []))
    api = gateway.handle(HttpRequest("GET", "/api/unknown", []))

    assert page.body == INDEX
    assert b"USER_PASSWORD_AUTH" in config.body
    assert api.status == 403  # API Gateway's answer to an undeclared route, not the app


def test_csp_sources_are_origins() -> None:
    assert origin_of("https://cognito-idp.eu-west-1.amazonaws.com/") == (
        "https://cognito-idp.eu-west-1.amazonaws.com"
    )
    assert "connect-src 'self';" in content_security_policy()
    with pytest.raises(ValueError, match="absolute"):
        origin_of("/relative")
