"""The local gateway sends a base64 answer (the XLSX export) as bytes only where API Gateway
does: to a request whose first Accept type is one of the template's BinaryMediaTypes."""

from __future__ import annotations

import base64

from infra.local.gateway.proxy import proxy_response
from infra.local.gateway.template import SamTemplate

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FILE = b"PK\x03\x04 not text"
ENCODED = base64.b64encode(FILE).decode()
ANSWER = {"statusCode": 200, "body": ENCODED, "isBase64Encoded": True}


def test_the_template_declares_the_xlsx_type_binary() -> None:
    assert XLSX in SamTemplate.load().binary_media_types


def test_a_base64_answer_is_bytes_for_a_binary_accept_and_text_otherwise() -> None:
    assert proxy_response(ANSWER, decode_base64=True).body == FILE
    assert proxy_response(ANSWER, decode_base64=False).body == ENCODED.encode()


def test_a_text_answer_is_sent_as_it_is_either_way() -> None:
    csv = "\ufeffKwalificatienr.;Naam\r\n"

    answer = proxy_response({"statusCode": 200, "body": csv}, decode_base64=True)

    assert answer.body == csv.encode()
