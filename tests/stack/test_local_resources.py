"""The local stack's AWS resources follow the template, as the deployed ones do."""

from __future__ import annotations

import boto3

from infra.local.gateway.template import SamTemplate
from infra.local.provision import BUCKET, PASSES_BUCKET_RESOURCE, REGION
from tests.stack.harness import StackClient


def test_the_local_passes_bucket_expires_zips_as_the_templates_bucket_does(
    stack: StackClient,
) -> None:
    s3 = boto3.client(
        "s3",
        region_name=REGION,
        endpoint_url=stack.config["cognitoEndpoint"],  # the one moto server behind everything
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    rules = s3.get_bucket_lifecycle_configuration(Bucket=BUCKET)["Rules"]
    declared = SamTemplate.load().properties(PASSES_BUCKET_RESOURCE)["LifecycleConfiguration"]
    expiring = {r["ID"]: r["Expiration"]["Days"] for r in rules if "Expiration" in r}
    assert expiring == {
        r["Id"]: r["ExpirationInDays"] for r in declared["Rules"] if "ExpirationInDays" in r
    }
    assert expiring == {"ExpireRequestZips": 8}
