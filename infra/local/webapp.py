"""The web app's static files (web/dist), served locally as CloudFront serves them when deployed.

Any GET that names no file gets index.html, so `/verzoeken` and a bookmarked `/?q=...` load the
app, which routes itself; a missing asset (a name with an extension) is a 404 instead, so a stale
`app.js` reference fails loudly rather than parsing HTML as script. Every answer carries the
security headers the deployed response-headers policy sets (CSP without inline script or style,
nosniff, no referrer). Nothing outside web/dist is ever read.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from urllib.parse import unquote, urlsplit

from infra.local.gateway.messages import HttpRequest, HttpResponse

WEB_DIST = Path(__file__).resolve().parents[2] / "web" / "dist"
INDEX = "index.html"

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".webmanifest": "application/manifest+json",
    ".map": "application/json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
    ".txt": "text/plain; charset=utf-8",
}
# esbuild names split chunks by content hash: they never change, so browsers may keep them.
IMMUTABLE_PREFIX = "chunks/"

MISSING_BUILD_PAGE = b"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Pasjesportaal: web app not built</title></head>
<body><h1>The web app is not built</h1>
<p>Run <code>make web</code> (or <code>make run</code>, which builds it) and reload this page.
The API under <code>/api</code> works meanwhile.</p></body></html>
"""


def content_security_policy(connect_sources: Iterable[str] = ()) -> str:
    """The app's CSP: its own files only, and fetches to itself (the API) and Cognito."""
    connect = " ".join(["'self'", *(s for s in connect_sources if s)])
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            f"connect-src {connect}",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "object-src 'none'",
        ]
    )


def origin_of(url: str) -> str:
    """scheme://host[:port] of a URL, the form a CSP source takes."""
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        raise ValueError(f"not an absolute URL: {url!r}")
    return f"{parts.scheme}://{parts.netloc}"


@dataclass(frozen=True)
class WebApp:
    """Answers GET and HEAD for the files of one built web app."""

    root: Path = WEB_DIST
    connect_sources: tuple[str, ...] = ()

    def security_headers(self) -> list[tuple[str, str]]:
        return [
            ("Content-Security-Policy", content_security_policy(self.connect_sources)),
            ("X-Content-Type-Options", "nosniff"),
            ("Referrer-Policy", "no-referrer"),
            ("X-Frame-Options", "DENY"),
            ("Cross-Origin-Opener-Policy", "same-origin"),
        ]

    def answer(self, request: HttpRequest) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            return self._plain(
                HTTPStatus.METHOD_NOT_ALLOWED,
                "Only GET and HEAD are served here.",
                [("Allow", "GET, HEAD")],
            )
        root = self.root.resolve()
        if not (root / INDEX).is_file():
            return HttpResponse(
                status=HTTPStatus.SERVICE_UNAVAILABLE,
                headers=[
                    ("Content-Type", "text/html; charset=utf-8"),
                    ("Cache-Control", "no-store"),
                    *self.security_headers(),
                ],
                body=MISSING_BUILD_PAGE,
            )
        relative = self._relative_path(urlsplit(request.target).path)
        if relative is None:
            return self._plain(HTTPStatus.NOT_FOUND, "Not found.")
        file = (root / relative).resolve() if relative else root / INDEX
        if not file.is_relative_to(root):
            # A symlink inside web/dist that points out of it.
            return self._plain(HTTPStatus.NOT_FOUND, "Not found.")
        if not file.is_file():
            if "." in relative.rsplit("/", 1)[-1]:
                return self._plain(HTTPStatus.NOT_FOUND, "Not found.")
            file = root / INDEX
        return self._file(file, root, request)

    @staticmethod
    def _relative_path(path: str) -> str | None:
        """The file a URL path names, relative to the root; None for one that may not be read.

        Refused: `..` and `.` segments (also percent-encoded), hidden files, backslashes and NUL,
        which some platforms read as separators or terminators.
        """
        decoded = unquote(path)
        if "\\" in decoded or "\x00" in decoded or not decoded.startswith("/"):
            return None
        segments = [s for s in decoded.split("/") if s]
        if any(s.startswith(".") for s in segments):
            return None
        return "/".join(segments)

    def _file(self, file: Path, root: Path, request: HttpRequest) -> HttpResponse:
        body = file.read_bytes()
        name = file.relative_to(root).as_posix()
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        if name.startswith(IMMUTABLE_PREFIX):
            cache = "public, max-age=31536000, immutable"
        else:
            # index.html and the unhashed app.js/app.css: always revalidated (ETag), so a new
            # build shows at the next load.
            cache = "no-cache"
        headers = [
            ("Content-Type", CONTENT_TYPES.get(file.suffix.lower(), "application/octet-stream")),
            ("Cache-Control", cache),
            ("ETag", etag),
            *self.security_headers(),
        ]
        if etag in (request.header("If-None-Match") or "").replace(" ", "").split(","):
            return HttpResponse(status=HTTPStatus.NOT_MODIFIED, headers=headers)
        return HttpResponse(status=HTTPStatus.OK, headers=headers, body=body)

    def _plain(
        self, status: HTTPStatus, text: str, extra: Iterable[tuple[str, str]] = ()
    ) -> HttpResponse:
        return HttpResponse(
            status=status,
            headers=[
                ("Content-Type", "text/plain; charset=utf-8"),
                ("Cache-Control", "no-store"),
                *extra,
                *self.security_headers(),
            ],
            body=(text + "\n").encode(),
        )
