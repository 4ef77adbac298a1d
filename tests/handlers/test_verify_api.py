"""The public check of a pass: GET /verify/{code}, without sign-in, from the live registry."""

from __future__ import annotations

import json
from collections.abc import Iterator

import boto3
import pytest
from aws_lambda_powertools.utilities.parameters import clear_caches

from pasjes.logic.verification import VerificationKeys, new_secret
from pasjes.settings import get_settings

SECRET_NAME = "pasjes/verification-keys"


@pytest.fixture
def verification_keys(aws: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[VerificationKeys]:
    """The keys in moto's Secrets Manager, named to the functions as a deployment names them."""
    document = {"current": "a", "keys": {"a": new_secret()}}
    boto3.client("secretsmanager").create_secret(
        Name=SECRET_NAME, SecretString=json.dumps(document)
    )
    monkeypatch.setenv("VERIFICATION_SECRET_NAME", SECRET_NAME)
    monkeypatch.setenv("PUBLIC_ORIGIN", "http://127.0.0.1:3000")
    get_settings.cache_clear()
    clear_caches()
    yield VerificationKeys.from_json(document)
    clear_caches()
