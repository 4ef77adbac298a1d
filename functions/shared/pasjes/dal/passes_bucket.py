"""The passes bucket: each request's ZIP under `requests/{id}.zip`, and links to download it."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import quote

from pasjes.aws import s3_client
from pasjes.settings import get_settings

# S3's DeleteObjects takes at most this many keys a call.
_DELETE_BATCH = 1000


def zip_key(request_id: str) -> str:
    return f"requests/{request_id}.zip"


def store_zip(request_id: str, data: bytes) -> None:
    s3_client().put_object(
        Bucket=get_settings().passes_bucket,
        Key=zip_key(request_id),
        Body=data,
        ContentType="application/zip",
        ServerSideEncryption="AES256",
    )


def presign_zip(request_id: str, file_name: str, seconds: int) -> str:
    """A SigV4 GET URL that makes the browser save the ZIP under `file_name`."""
    ascii_name = file_name.encode("ascii", "replace").decode().replace("?", "_")
    return s3_client().generate_presigned_url(
        "get_object",
        Params={
            "Bucket": get_settings().passes_bucket,
            "Key": zip_key(request_id),
            "ResponseContentDisposition": (
                f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(file_name)}"
            ),
            "ResponseContentType": "application/zip",
        },
        ExpiresIn=seconds,
    )


def delete_zips(request_ids: Sequence[str]) -> None:
    """Delete these requests' ZIPs; a request that has none (not rendered yet) is no error."""
    bucket = get_settings().passes_bucket
    for start in range(0, len(request_ids), _DELETE_BATCH):
        batch = request_ids[start : start + _DELETE_BATCH]
        s3_client().delete_objects(
            Bucket=bucket,
            Delete={"Objects": [{"Key": zip_key(i)} for i in batch], "Quiet": True},
        )
