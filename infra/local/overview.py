"""The monthly overview on demand, locally: `make overview` (this module's main) asks the running
stack (POST /local/overview, a route only the local gateway has) to run the overview function
now; the mails SES would send, which the embedded moto records, are written as HTML files into
the mail folder (MAIL_DIR, default mail/ in the project root), one per mail, so a person can
read them. A second run in the same month sends nobody a second mail, as in AWS.
"""

from __future__ import annotations

import argparse
import html
import os
import re
import sys
import threading
import urllib.request
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from infra.local.gateway.lambda_runtime import LocalFunction

REPO = Path(__file__).resolve().parents[2]
PATH = "/local/overview"
SENDER = "overzicht@pasjesportaal.local"
CONFIGURATION_SET = "pasjes-mail"
_UNSAFE = re.compile(r"[^\w.@-]+")


def mail_dir(environ: Mapping[str, str] | None = None) -> Path:
    environ = os.environ if environ is None else environ
    return Path(environ.get("MAIL_DIR") or REPO / "mail").resolve()


def prepare_ses(moto_url: str, region: str) -> dict[str, str]:
    """The sender verified and the configuration set made in the embedded SES; the function's
    variables for them."""
    import boto3

    boto3.client("ses", region_name=region, endpoint_url=moto_url).verify_email_identity(
        EmailAddress=SENDER
    )
    boto3.client("sesv2", region_name=region, endpoint_url=moto_url).create_configuration_set(
        ConfigurationSetName=CONFIGURATION_SET
    )
    return {"MAIL_SENDER": SENDER, "MAIL_CONFIGURATION_SET": CONFIGURATION_SET}


def _sent_messages(region: str) -> list[Any]:
    # moto's server runs in this process: its SES backend holds what was sent.
    from moto.core.models import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    return list(ses_backends[DEFAULT_ACCOUNT_ID][region].sent_messages)


class LocalOverview:
    """Runs the overview function and writes the mails it sent into `folder`."""

    def __init__(self, *, function: LocalFunction, folder: Path, region: str) -> None:
        self.function = function
        self.folder = folder
        self.region = region
        self._lock = threading.Lock()

    def send_now(self) -> str:
        with self._lock:
            self.folder.mkdir(parents=True, exist_ok=True)
            before = len(_sent_messages(self.region))
            summary = self.function.invoke(
                {"source": "local", "detail-type": "make overview", "anyDay": True}
            )
            new = _sent_messages(self.region)[before:]
            written = [self._write(message) for message in new]
        lines = [f"Monthly overview: {summary}"]
        none = "  (no mail: nothing to say, or sent already)"
        lines += [f"  {path}" for path in written] or [none]
        return "\n".join(lines) + "\n"

    def _write(self, message: Any) -> Path:
        to = ", ".join(message.destinations.get("ToAddresses", []))
        path = self.folder / f"{message.id[:12]}-{_UNSAFE.sub('_', to)}.html"
        head = (
            f"<p><b>Van:</b> {html.escape(message.source)}<br><b>Aan:</b> {html.escape(to)}<br>"
            f"<b>Onderwerp:</b> {html.escape(message.subject)}</p><hr>"
        )
        path.write_text(
            f'<!doctype html><meta charset="utf-8"><title>{html.escape(message.subject)}</title>'
            f"{head}{message.body}\n",
            encoding="utf-8",
        )
        return path


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.local.overview", description=__doc__)
    parser.add_argument("--url", default=f"http://127.0.0.1:{os.environ.get('PORT', '3000')}")
    url = parser.parse_args(argv).url.rstrip("/") + PATH
    if not url.startswith(("http://127.", "http://localhost")):
        parser.error("--url must be the local stack's http address")
    request = urllib.request.Request(url, method="POST", data=b"")  # noqa: S310 (local only)
    try:
        # Only the local stack's own http address is asked (checked above).
        with urllib.request.urlopen(request, timeout=120) as answer:  # noqa: S310  # nosec B310
            sys.stdout.write(answer.read().decode())
    except OSError as error:
        sys.stderr.write(f"{url}: {error} (is `make run` going?)\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
