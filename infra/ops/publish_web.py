"""Publish the web app to a deployed stack: after `sam deploy`, and after every `make web`.

    python -m infra.ops.publish_web --stack-name pasjesportaal [--region eu-west-1] \
        [--dist web/dist]

Reads the stack's outputs, writes `config.json` (where the app finds Cognito; the API is `/api`
on the same CloudFront origin), uploads `web/dist` to the stack's private web bucket with the
right Content-Type and Cache-Control, removes what the new build no longer has, and invalidates
the distribution. The order keeps the site whole while it runs: assets first, `config.json` and
`index.html` (which name the assets) last, stale files only after that.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3

if TYPE_CHECKING:
    from mypy_boto3_cloudformation import CloudFormationClient
    from mypy_boto3_cloudfront import CloudFrontClient
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient
    from mypy_boto3_s3 import S3Client

DIST = Path(__file__).resolve().parents[2] / "web" / "dist"
# The stack outputs (template.yaml) this command reads.
REQUIRED_OUTPUTS = (
    "Region",
    "UserPoolId",
    "UserPoolClientId",
    "WebBucketName",
    "WebDistributionId",
)
CONFIG_KEY = "config.json"
INDEX_KEY = "index.html"
# The deployed app signs in with SRP: the password never leaves the browser. The pool's client
# does not allow USER_PASSWORD_AUTH, which only the local stack uses.
AUTH_FLOW = "USER_SRP_AUTH"
API_BASE_URL = "/api"
# The pool's password rules, as the app states and checks them (as infra/local/provision.py).
PASSWORD_RULES = (
    "MinimumLength",
    "RequireLowercase",
    "RequireUppercase",
    "RequireNumbers",
    "RequireSymbols",
)

# Files whose names change with their content (esbuild's chunks/[name]-[hash]) may be kept for
# a year. Everything else is revalidated on every load (a cheap 304), so a new index.html never
# meets yesterday's app.js in a browser cache.
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
_HASHED = re.compile(r"-[A-Za-z0-9]{8,}\.[A-Za-z0-9]+$")

# Explicit, so the answer does not depend on the machine's /etc/mime.types; the distribution
# sends `X-Content-Type-Options: nosniff`, so a wrong type breaks the page.
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".map": "application/json",
    ".webmanifest": "application/manifest+json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ttf": "font/ttf",
    ".txt": "text/plain; charset=utf-8",
    ".xml": "application/xml",
    ".pdf": "application/pdf",
}
DEFAULT_CONTENT_TYPE = "application/octet-stream"


class PublishError(Exception):
    """Why the app cannot be published, in one line for the operator."""


@dataclass(frozen=True)
class StackOutputs:
    region: str
    user_pool_id: str
    user_pool_client_id: str
    web_bucket: str
    distribution_id: str
    web_url: str = ""

    @classmethod
    def of(cls, outputs: Mapping[str, str]) -> StackOutputs:
        missing = [name for name in REQUIRED_OUTPUTS if not outputs.get(name)]
        if missing:
            raise PublishError(
                f"the stack has no output {', '.join(missing)}: deploy the current template.yaml"
            )
        return cls(
            region=outputs["Region"],
            user_pool_id=outputs["UserPoolId"],
            user_pool_client_id=outputs["UserPoolClientId"],
            web_bucket=outputs["WebBucketName"],
            distribution_id=outputs["WebDistributionId"],
            web_url=outputs.get("WebUrl", ""),
        )


@dataclass(frozen=True)
class Upload:
    key: str
    body: bytes
    content_type: str
    cache_control: str


@dataclass(frozen=True)
class PublishReport:
    uploaded: tuple[str, ...]
    deleted: tuple[str, ...]
    invalidation_id: str

    def summary(self, web_url: str = "") -> str:
        where = f" at {web_url}" if web_url else ""
        return (
            f"Published {len(self.uploaded)} files{where}; removed {len(self.deleted)} stale; "
            f"invalidation {self.invalidation_id} (a minute or two until every edge has it)."
        )


# --- the stack ---------------------------------------------------------------------------------


def read_outputs(cloudformation: CloudFormationClient, stack_name: str) -> StackOutputs:
    """The outputs of the deployed stack."""
    try:
        stacks = cloudformation.describe_stacks(StackName=stack_name)["Stacks"]
    except Exception as error:  # botocore's ClientError: no such stack, no access, no region
        raise PublishError(f"cannot read stack {stack_name!r}: {error}") from error
    if len(stacks) != 1:
        raise PublishError(f"{len(stacks)} stacks are named {stack_name!r}")
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stacks[0].get("Outputs") or []}
    return StackOutputs.of(outputs)


def password_policy(cognito: CognitoIdentityProviderClient, user_pool_id: str) -> dict[str, Any]:
    """The pool's password rules in the app's spelling (minimumLength, requireUppercase...)."""
    pool = cognito.describe_user_pool(UserPoolId=user_pool_id)["UserPool"]
    policy: Mapping[str, Any] = (pool.get("Policies") or {}).get("PasswordPolicy") or {}
    return {name[0].lower() + name[1:]: policy[name] for name in PASSWORD_RULES if name in policy}


def client_config(outputs: StackOutputs, policy: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """config.json: the keys of the local stack's /config.json, for the deployed stack."""
    config: dict[str, Any] = {
        "region": outputs.region,
        "userPoolId": outputs.user_pool_id,
        "userPoolClientId": outputs.user_pool_client_id,
        "apiBaseUrl": API_BASE_URL,
        "authFlow": AUTH_FLOW,
    }
    if policy:
        config["passwordPolicy"] = dict(policy)
    return config


# --- the files ---------------------------------------------------------------------------------


def content_type(key: str) -> str:
    return CONTENT_TYPES.get(Path(key).suffix.lower(), DEFAULT_CONTENT_TYPE)


def cache_control(key: str) -> str:
    return IMMUTABLE if _HASHED.search(key) else REVALIDATE


def _order(key: str) -> tuple[int, str]:
    """Hashed assets, then other assets, then config.json, then index.html."""
    if key == INDEX_KEY:
        return (3, key)
    if key == CONFIG_KEY:
        return (2, key)
    return (0 if _HASHED.search(key) else 1, key)


def uploads(dist: Path, config: Mapping[str, Any]) -> list[Upload]:
    """What goes into the bucket, in upload order: the build, and our config.json."""
    if not (dist / INDEX_KEY).is_file():
        raise PublishError(f"{dist / INDEX_KEY} does not exist: build the app first (make web)")
    files = {
        path.relative_to(dist).as_posix(): path
        for path in dist.rglob("*")
        if path.is_file() and not path.name.startswith(".")
    }
    # A config.json in the build is the local one, never the deployed stack's.
    files.pop(CONFIG_KEY, None)
    planned = [
        Upload(key, path.read_bytes(), content_type(key), cache_control(key))
        for key, path in files.items()
    ]
    config_body = (json.dumps(dict(config), indent=2, sort_keys=True) + "\n").encode()
    planned.append(Upload(CONFIG_KEY, config_body, content_type(CONFIG_KEY), REVALIDATE))
    return sorted(planned, key=lambda upload: _order(upload.key))


# --- publishing --------------------------------------------------------------------------------


def _existing_keys(s3: S3Client, bucket: str) -> set[str]:
    keys: set[str] = set()
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        keys.update(item["Key"] for item in page.get("Contents", []) if "Key" in item)
    return keys


def _delete(s3: S3Client, bucket: str, keys: Iterable[str]) -> None:
    ordered = sorted(keys)
    for start in range(0, len(ordered), 1000):  # DeleteObjects takes at most 1,000 keys
        batch = ordered[start : start + 1000]
        answer = s3.delete_objects(
            Bucket=bucket, Delete={"Objects": [{"Key": key} for key in batch], "Quiet": True}
        )
        if answer.get("Errors"):
            failed = ", ".join(str(e.get("Key")) for e in answer["Errors"])
            raise PublishError(f"could not remove stale files from {bucket}: {failed}")


def publish(
    s3: S3Client,
    cloudfront: CloudFrontClient,
    outputs: StackOutputs,
    files: Sequence[Upload],
    *,
    reference: str | None = None,
) -> PublishReport:
    """Upload `files`, remove every other object, and invalidate the whole distribution."""
    bucket = outputs.web_bucket
    before = _existing_keys(s3, bucket)
    for upload in files:
        s3.put_object(
            Bucket=bucket,
            Key=upload.key,
            Body=upload.body,
            ContentType=upload.content_type,
            CacheControl=upload.cache_control,
        )
    stale = before - {upload.key for upload in files}
    _delete(s3, bucket, stale)
    invalidation = cloudfront.create_invalidation(
        DistributionId=outputs.distribution_id,
        InvalidationBatch={
            "Paths": {"Quantity": 1, "Items": ["/*"]},
            "CallerReference": reference or f"publish-web-{time.time_ns()}",
        },
    )
    return PublishReport(
        uploaded=tuple(upload.key for upload in files),
        deleted=tuple(sorted(stale)),
        invalidation_id=str(invalidation["Invalidation"]["Id"]),
    )


# --- the command -------------------------------------------------------------------------------


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m infra.ops.publish_web",
        description="Publish web/dist and config.json to the stack's bucket behind CloudFront.",
    )
    parser.add_argument("--stack-name", required=True, help="the stack sam deploy created")
    parser.add_argument("--region", help="the stack's region (default: your AWS configuration)")
    parser.add_argument("--dist", type=Path, default=DIST, help=f"the built app (default {DIST})")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    arguments = _arguments(argv)
    session = boto3.session.Session(region_name=arguments.region)
    try:
        outputs = read_outputs(session.client("cloudformation"), arguments.stack_name)
        cognito = session.client("cognito-idp", region_name=outputs.region)
        config = client_config(outputs, password_policy(cognito, outputs.user_pool_id))
        files = uploads(arguments.dist, config)
        report = publish(
            session.client("s3", region_name=outputs.region),
            session.client("cloudfront"),
            outputs,
            files,
        )
    except PublishError as error:
        sys.stderr.write(f"error: {error}\n")
        return 1
    sys.stdout.write(report.summary(outputs.web_url) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
