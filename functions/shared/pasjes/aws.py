"""AWS clients, made once per cold start and only when first used."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

import boto3
from botocore.config import Config

from pasjes.settings import get_settings

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_sqs import SQSClient


@cache
def sqs_client() -> SQSClient:
    return boto3.client("sqs", region_name=get_settings().region)


@cache
def s3_client() -> S3Client:
    # Presigned URLs must be SigV4 and name the bucket's region.
    config = Config(signature_version="s3v4", s3={"addressing_style": "path"})
    return boto3.client("s3", region_name=get_settings().region, config=config)
