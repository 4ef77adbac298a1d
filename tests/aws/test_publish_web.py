"""infra.ops.publish_web on moto: the deployed app gets a config.json that points at the stack's
pool and the relative /api, every file its Content-Type and Cache-Control, nothing stale stays
in the bucket, and the distribution is invalidated."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from infra.ops import publish_web
from infra.ops.publish_web import PublishError, StackOutputs
from tests.conftest import REGION

BUCKET = "pasjes-test-web"
STACK = "pasjesportaal-test"


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    """A build as web/build.mjs lays it out."""
    root = tmp_path / "dist"
    (root / "chunks").mkdir(parents=True)
    (root / "index.html").write_text('<!doctype html><script type="module" src="/app.js"></script>')
    (root / "app.js").write_text('import("./chunks/verify-7QZKD2LA.js");')
    (root / "app.css").write_text("body { margin: 0 }")
    (root / "chunks" / "verify-7QZKD2LA.js").write_text("export const verify = 1;")
    (root / "favicon.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    # What a local build may carry: never the deployed stack's config.
    (root / "config.json").write_text('{"apiBaseUrl": "http://127.0.0.1:3000/api"}')
    return root


@pytest.fixture
def account(aws_env: None) -> Iterator[None]:
    """An empty moto account: this command needs none of the portal's tables."""
    with mock_aws():
        yield


@pytest.fixture
def deployed(account: None) -> StackOutputs:
    """What `sam deploy` leaves: a pool with its client, the web bucket and the distribution."""
    cognito = boto3.client("cognito-idp")
    pool_id = cognito.create_user_pool(
        PoolName="pasjes-test",
        Policies={
            "PasswordPolicy": {
                "MinimumLength": 12,
                "RequireUppercase": True,
                "RequireLowercase": True,
                "RequireNumbers": True,
                "RequireSymbols": False,
            }
        },
    )["UserPool"]["Id"]
    client_id = cognito.create_user_pool_client(UserPoolId=pool_id, ClientName="web")[
        "UserPoolClient"
    ]["ClientId"]
    boto3.client("s3").create_bucket(
        Bucket=BUCKET,
        CreateBucketConfiguration={"LocationConstraint": REGION},  # type: ignore[typeddict-item]
    )
    distribution_id = boto3.client("cloudfront").create_distribution(
        DistributionConfig={
            "CallerReference": "pasjes-test",
            "Comment": "",
            "Enabled": True,
            "Origins": {
                "Quantity": 1,
                "Items": [
                    {
                        "Id": "web",
                        "DomainName": f"{BUCKET}.s3.{REGION}.amazonaws.com",
                        "S3OriginConfig": {"OriginAccessIdentity": ""},
                    }
                ],
            },
            "DefaultCacheBehavior": {
                "TargetOriginId": "web",
                "ViewerProtocolPolicy": "redirect-to-https",
                "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6",
            },
        }
    )["Distribution"]["Id"]
    return StackOutputs(
        region=REGION,
        user_pool_id=pool_id,
        user_pool_client_id=client_id,
        web_bucket=BUCKET,
        distribution_id=distribution_id,
        web_url="https://d111111abcdef8.cloudfront.net",
    )


def create_stack(outputs: dict[str, str]) -> None:
    """A CloudFormation stack on moto with these outputs (moto describes only its own)."""
    template = {
        "Resources": {"Placeholder": {"Type": "AWS::SQS::Queue"}},
        "Outputs": {name: {"Value": value} for name, value in outputs.items()},
    }
    boto3.client("cloudformation").create_stack(StackName=STACK, TemplateBody=json.dumps(template))


def stack_outputs_of(deployed: StackOutputs) -> dict[str, str]:
    return {
        "Region": deployed.region,
        "UserPoolId": deployed.user_pool_id,
        "UserPoolClientId": deployed.user_pool_client_id,
        "WebBucketName": deployed.web_bucket,
        "WebDistributionId": deployed.distribution_id,
        "WebUrl": deployed.web_url,
        "ApiUrl": "https://abc123.execute-api.eu-west-1.amazonaws.com/api",
    }


def objects(bucket: str) -> dict[str, dict[str, Any]]:
    s3 = boto3.client("s3")
    listed = s3.list_objects_v2(Bucket=bucket).get("Contents", [])
    return {item["Key"]: dict(s3.get_object(Bucket=bucket, Key=item["Key"])) for item in listed}


def publish(deployed: StackOutputs, dist: Path) -> publish_web.PublishReport:
    config = publish_web.client_config(
        deployed, publish_web.password_policy(boto3.client("cognito-idp"), deployed.user_pool_id)
    )
    return publish_web.publish(
        boto3.client("s3"),
        boto3.client("cloudfront"),
        deployed,
        publish_web.uploads(dist, config),
    )


def test_the_stack_outputs_name_the_pool_the_bucket_and_the_distribution(
    deployed: StackOutputs,
) -> None:
    create_stack(stack_outputs_of(deployed))

    read = publish_web.read_outputs(boto3.client("cloudformation"), STACK)

    assert read == deployed


def test_a_stack_without_the_web_outputs_is_refused_by_name(account: None) -> None:
    create_stack({"Region": REGION, "UserPoolId": "eu-west-1_abc", "UserPoolClientId": "c"})

    with pytest.raises(PublishError, match="WebBucketName, WebDistributionId"):
        publish_web.read_outputs(boto3.client("cloudformation"), STACK)


def test_an_unknown_stack_is_refused(account: None) -> None:
    with pytest.raises(PublishError, match="no-such-stack"):
        publish_web.read_outputs(boto3.client("cloudformation"), "no-such-stack")


def test_the_deployed_app_signs_in_with_srp_at_the_stacks_pool_and_calls_the_relative_api(
    deployed: StackOutputs, dist: Path
) -> None:
    publish(deployed, dist)

    config = json.loads(objects(BUCKET)["config.json"]["Body"].read())
    assert config == {
        "region": REGION,
        "userPoolId": deployed.user_pool_id,
        "userPoolClientId": deployed.user_pool_client_id,
        "apiBaseUrl": "/api",
        "authFlow": "USER_SRP_AUTH",
        "passwordPolicy": {
            "minimumLength": 12,
            "requireUppercase": True,
            "requireLowercase": True,
            "requireNumbers": True,
            "requireSymbols": False,
        },
    }
    assert "cognitoEndpoint" not in config  # the browser calls the real Cognito


def test_every_file_is_uploaded_with_its_content_type_and_cache_policy(
    deployed: StackOutputs, dist: Path
) -> None:
    publish(deployed, dist)

    stored = objects(BUCKET)
    assert set(stored) == {
        "index.html",
        "app.js",
        "app.css",
        "chunks/verify-7QZKD2LA.js",
        "favicon.svg",
        "config.json",
    }
    headers = {key: (o["ContentType"], o["CacheControl"]) for key, o in stored.items()}
    assert headers == {
        "index.html": ("text/html; charset=utf-8", "no-cache"),
        "config.json": ("application/json", "no-cache"),
        "app.js": ("text/javascript; charset=utf-8", "no-cache"),
        "app.css": ("text/css; charset=utf-8", "no-cache"),
        "favicon.svg": ("image/svg+xml", "no-cache"),
        "chunks/verify-7QZKD2LA.js": (
            "text/javascript; charset=utf-8",
            "public, max-age=31536000, immutable",
        ),
    }
    assert stored["app.js"]["Body"].read() == (dist / "app.js").read_bytes()


def test_index_html_goes_up_last_so_it_never_names_an_asset_that_is_not_there(
    dist: Path,
) -> None:
    outputs = StackOutputs(REGION, "eu-west-1_abc", "client", BUCKET, "E123")

    keys = [upload.key for upload in publish_web.uploads(dist, publish_web.client_config(outputs))]

    assert keys[0] == "chunks/verify-7QZKD2LA.js"
    assert keys[-2:] == ["config.json", "index.html"]


def test_files_of_an_earlier_build_are_removed(deployed: StackOutputs, dist: Path) -> None:
    publish(deployed, dist)
    (dist / "chunks" / "verify-7QZKD2LA.js").unlink()
    (dist / "chunks" / "verify-M4N5P6Q7.js").write_text("export const verify = 2;")

    report = publish(deployed, dist)

    assert "chunks/verify-7QZKD2LA.js" not in objects(BUCKET)
    assert "chunks/verify-M4N5P6Q7.js" in objects(BUCKET)
    assert report.deleted == ("chunks/verify-7QZKD2LA.js",)


def test_the_whole_distribution_is_invalidated(deployed: StackOutputs, dist: Path) -> None:
    report = publish(deployed, dist)

    invalidation = boto3.client("cloudfront").get_invalidation(
        DistributionId=deployed.distribution_id, Id=report.invalidation_id
    )["Invalidation"]
    assert invalidation["InvalidationBatch"]["Paths"]["Items"] == ["/*"]


def test_an_unbuilt_app_is_refused(tmp_path: Path) -> None:
    outputs = StackOutputs(REGION, "eu-west-1_abc", "client", BUCKET, "E123")

    with pytest.raises(PublishError, match="make web"):
        publish_web.uploads(tmp_path, publish_web.client_config(outputs))


def test_the_command_publishes_the_build_to_the_named_stack(
    deployed: StackOutputs, dist: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    create_stack(stack_outputs_of(deployed))

    status = publish_web.main(["--stack-name", STACK, "--region", REGION, "--dist", str(dist)])

    assert status == 0
    assert json.loads(objects(BUCKET)["config.json"]["Body"].read())["apiBaseUrl"] == "/api"
    assert deployed.web_url in capsys.readouterr().out


def test_the_command_says_what_is_missing_instead_of_a_traceback(
    account: None, capsys: pytest.CaptureFixture[str]
) -> None:
    status = publish_web.main(["--stack-name", "no-such-stack", "--region", REGION])

    assert status == 1
    assert "no-such-stack" in capsys.readouterr().err
