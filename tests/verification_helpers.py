"""What tests of the passes' verification share: reading QR codes off a pass as a phone would,
and the verification keys of a running local stack."""

from __future__ import annotations

from collections.abc import Mapping

import boto3
import pypdfium2  # type: ignore[import-untyped]
import zxingcpp

from pasjes.logic.verification import VerificationKeys


def qr_codes_on(pdf: bytes) -> list[str]:
    """The QR codes a phone would read off the page, rendered at about 200 dpi."""
    page = pypdfium2.PdfDocument(pdf)[0]
    image = page.render(scale=200 / 72).to_pil()
    return [barcode.text for barcode in zxingcpp.read_barcodes(image)]


def stack_verification_keys(config: Mapping[str, str]) -> VerificationKeys:
    """The keys a local stack made at start, read from its Secrets Manager (the moto server
    that /config.json names for Cognito), as anyone with access to the account could."""
    # Here, not at the top: unit tests that only read QR codes need not import the stack.
    from infra.local.provision import VERIFICATION_SECRET

    client = boto3.client(
        "secretsmanager",
        region_name=config["region"],
        endpoint_url=config["cognitoEndpoint"],
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    secret = client.get_secret_value(SecretId=VERIFICATION_SECRET)["SecretString"]
    return VerificationKeys.from_json(secret)
