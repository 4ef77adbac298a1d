"""AWS clients, made once per cold start and only when first used, and secrets read at run time."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from pasjes.settings import get_settings

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_sqs import SQSClient


# boto3 is imported by the first call that needs a client, not at import: pynamodb needs only
# botocore, and boto3's own import (about a quarter of botocore's) is paid by the routes that
# send or sign something (a download link, a submit), not by a list or a preview.


@cache
def sqs_client() -> SQSClient:
    import boto3

    return boto3.client("sqs", region_name=get_settings().region)


@cache
def s3_client() -> S3Client:
    import boto3
    from botocore.config import Config

    # Presigned URLs must be SigV4 and name the bucket's region.
    config = Config(signature_version="s3v4", s3={"addressing_style": "path"})
    return boto3.client("s3", region_name=get_settings().region, config=config)


# How long a container trusts a secret it read before reading it again: a rotated secret
# reaches every container within this.
SECRET_MAX_AGE_SECONDS = 300


def secret_text(name: str) -> str:
    """The secret's value, from Secrets Manager through Powertools' parameters (cached per
    container for SECRET_MAX_AGE_SECONDS). It stays in memory only: never logged, never in an
    environment variable."""
    # Imported here: only the functions that read a secret pay for the parameters utility.
    from aws_lambda_powertools.utilities import parameters

    value = parameters.get_secret(name, max_age=SECRET_MAX_AGE_SECONDS)
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)
