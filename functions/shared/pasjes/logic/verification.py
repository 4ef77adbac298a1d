"""The verification code of a pass: which qualification of which holder, unforgeable and short.

A code is 23 characters of Crockford's base32 alphabet (lower case, no i, l, o or u, so it reads
back unambiguously when typed in; a typed code is read in any case, with spaces or dashes between
groups, and i, l, o as 1, 1, 0):

- 1 character: the id of the key that made it, so keys rotate without invalidating printed
  passes (every key still listed verifies; the current one signs);
- 22 characters (110 bits):
  - 28 bits: the holder's qualification number, enciphered under the key (a small Feistel
    permutation), so a code shown around does not spell the holder's number;
  - 82 bits: a truncated HMAC-SHA256 under the key over (key id, qualification number,
    qualification code). This is what makes a code impossible to guess or enumerate.

The same pass always gets the same code. Checking a code reads the holder by its deciphered
number and compares the MAC of each of their qualifications in constant time; whatever the
input (malformed, unknown key, wrong MAC), the check does the same work: one holder read and the
same number of MACs, so neither answer nor timing tells an unknown code from a forged one.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hmac
import json
import re
import secrets
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from pasjes.clock import portal_today
from pasjes.domain import QUALIFICATION_NUMBER_PATTERN, Holder, HolderStatus, Qualification
from pasjes.settings import SettingsError, get_settings

ALPHABET: Final = "0123456789abcdefghjkmnpqrstvwxyz"
CODE_LENGTH: Final = 23
MIN_SECRET_BYTES: Final = 32
# How long a container trusts the keys it read from Secrets Manager before reading them again.
KEYS_MAX_AGE_SECONDS: Final = 300  # pasjes.aws.SECRET_MAX_AGE_SECONDS, which every secret uses

_QUALIFICATION_NUMBER: Final = re.compile(QUALIFICATION_NUMBER_PATTERN)
_INDEX: Final = {ch: value for value, ch in enumerate(ALPHABET)}
# What a person may type for a character that looks like it (Crockford's base32).
_LOOKALIKES: Final = str.maketrans({"i": "1", "l": "1", "o": "0"})
# Between groups of a typed or pasted code: any white space (also a no-break space or a line
# break), hyphens and dashes (a phone's keyboard may turn "-" into an en dash), full stops.
_SEPARATORS: Final = re.compile(r"[\s\-\u2010-\u2015\u2212.]+")
_BODY_CHARS: Final = CODE_LENGTH - 1
_NUMBER_BITS: Final = 28
_HALF_BITS: Final = _NUMBER_BITS // 2
_HALF_MASK: Final = (1 << _HALF_BITS) - 1
_TAG_BITS: Final = _BODY_CHARS * 5 - _NUMBER_BITS
_TAG_MASK: Final = (1 << _TAG_BITS) - 1
_TAG_BYTES: Final = (_TAG_BITS + 7) // 8
_ROUNDS: Final = 8
_NUMBERS: Final = 10**8
_LONGEST_INPUT: Final = 64
# A holder has a handful of qualifications; comparing at least this many MACs for every code
# hides how many the holder (or no holder at all) has.
_MIN_COMPARISONS: Final = 8
_DUMMY_BODY: Final = "0" * _BODY_CHARS
_DUMMY_NUMBER: Final = "00000000"
# Stands in for an unknown key id, so a code under no known key costs as much as any other.
_DUMMY_SECRET: Final = secrets.token_bytes(MIN_SECRET_BYTES)
_NO_CODE: Final = "\0"


class InvalidKeys(ValueError):
    """The keys' secret is not of the documented shape; the message never includes a secret."""


@dataclass(frozen=True)
class VerificationKeys:
    """Key id -> secret. The current key signs new codes; every listed key verifies."""

    current: str
    secrets: Mapping[str, bytes]

    def __post_init__(self) -> None:
        for key_id, secret in self.secrets.items():
            if len(key_id) != 1 or key_id not in _INDEX:
                raise InvalidKeys(f"a key id is one character of {ALPHABET!r}")
            if len(secret) < MIN_SECRET_BYTES:
                raise InvalidKeys(f"key {key_id!r} is shorter than {MIN_SECRET_BYTES} bytes")
        if self.current not in self.secrets:
            raise InvalidKeys("the current key id is not among the keys")

    def __repr__(self) -> str:
        return f"VerificationKeys(current={self.current!r}, ids={sorted(self.secrets)!r})"

    @classmethod
    def from_json(cls, document: str | bytes | Mapping[str, Any]) -> VerificationKeys:
        """`{"current": "b", "keys": {"a": "<base64>", "b": "<base64>"}}`, as Secrets Manager
        stores it; each secret is base64 (standard or URL-safe) of at least 32 random bytes.
        The keys may also stand beside "current" (`{"current": "a", "a": "<base64>"}`), the
        shape CloudFormation's GenerateSecretString can make (64 letters and digits are valid
        base64 of 48 bytes)."""
        try:
            data = json.loads(document) if isinstance(document, str | bytes) else document
            current = data["current"]
            keys = (
                data["keys"]
                if "keys" in data
                else {k: v for k, v in data.items() if k != "current"}
            )
            if not isinstance(current, str) or not isinstance(keys, Mapping):
                raise TypeError
            decoded = {str(k): _b64decode(str(v)) for k, v in keys.items()}
        except (ValueError, TypeError, KeyError, binascii.Error):
            raise InvalidKeys(
                'expected {"current": id, "keys": {id: base64 secret, ...}}'
            ) from None
        return cls(current=current, secrets=decoded)


def _b64decode(text: str) -> bytes:
    padded = text + "=" * (-len(text) % 4)
    return base64.b64decode(padded.replace("-", "+").replace("_", "/"), validate=True)


def new_secret() -> str:
    """A fresh key's secret, base64, as `VerificationKeys.from_json` reads it."""
    return base64.b64encode(secrets.token_bytes(MIN_SECRET_BYTES)).decode("ascii")


@functools.lru_cache(maxsize=16)
def _subkeys(secret: bytes) -> tuple[bytes, bytes]:
    """One key for the number's cipher, one for the MAC: never the same key for two jobs."""
    return (
        hmac.digest(secret, b"pasjes verification: number cipher", "sha256"),
        hmac.digest(secret, b"pasjes verification: mac", "sha256"),
    )


def _round(cipher_key: bytes, index: int, half: int) -> int:
    digest = hmac.digest(cipher_key, bytes((index,)) + half.to_bytes(2, "big"), "sha256")
    return int.from_bytes(digest[:2], "big") & _HALF_MASK


def _encipher(cipher_key: bytes, number: int) -> int:
    left, right = number >> _HALF_BITS, number & _HALF_MASK
    for index in range(_ROUNDS):
        left, right = right, left ^ _round(cipher_key, index, right)
    return (left << _HALF_BITS) | right


def _decipher(cipher_key: bytes, value: int) -> int:
    left, right = value >> _HALF_BITS, value & _HALF_MASK
    for index in reversed(range(_ROUNDS)):
        left, right = right ^ _round(cipher_key, index, left), left
    return (left << _HALF_BITS) | right


def _tag(mac_key: bytes, key_id: str, qualification_number: str, code: str) -> bytes:
    message = "\0".join(("pass/1", key_id, qualification_number, code)).encode("utf-8")
    value = int.from_bytes(hmac.digest(mac_key, message, "sha256")[:_TAG_BYTES], "big")
    return (value >> (_TAG_BYTES * 8 - _TAG_BITS)).to_bytes(_TAG_BYTES, "big")


def code_for(keys: VerificationKeys, qualification_number: str, qualification_code: str) -> str:
    """The code of one qualification of one holder, under the current key."""
    if not _QUALIFICATION_NUMBER.fullmatch(qualification_number):
        raise ValueError("a qualification number is 8 digits")
    number = int(qualification_number)
    key_id = keys.current
    cipher_key, mac_key = _subkeys(keys.secrets[key_id])
    tag = int.from_bytes(_tag(mac_key, key_id, qualification_number, qualification_code), "big")
    value = (_encipher(cipher_key, number) << _TAG_BITS) | tag
    body = "".join(ALPHABET[(value >> shift) & 31] for shift in range(_BODY_CHARS * 5 - 5, -1, -5))
    return key_id + body


@dataclass(frozen=True)
class _Claim:
    """What a code says, or stand-ins of the same shape when it says nothing (`ok` False)."""

    ok: bool
    key_id: str
    mac_key: bytes
    qualification_number: str
    tag: bytes


def _normalised(code: object) -> str | None:
    if not isinstance(code, str) or len(code) > _LONGEST_INPUT:
        return None
    # NFKC: full-width letters and digits (an East Asian keyboard) read as the ASCII ones.
    text = _SEPARATORS.sub("", unicodedata.normalize("NFKC", code)).lower().translate(_LOOKALIKES)
    if len(text) != CODE_LENGTH or any(ch not in _INDEX for ch in text):
        return None
    return text


def key_id_of(code: object) -> str:
    """The key id a code names ("-" for no well-formed code): what an audit line may say."""
    text = _normalised(code)
    return text[0] if text is not None else "-"


def _claim(keys: VerificationKeys, code: object) -> _Claim:
    """Never raises, and does the same work for any input: see the module docstring."""
    text = _normalised(code)
    ok = text is not None
    key_id = text[0] if text is not None else ALPHABET[0]
    body = text[1:] if text is not None else _DUMMY_BODY
    secret = keys.secrets.get(key_id)
    if secret is None:
        ok, secret = False, _DUMMY_SECRET
    cipher_key, mac_key = _subkeys(secret)
    value = 0
    for ch in body:
        value = (value << 5) | _INDEX[ch]
    number = _decipher(cipher_key, value >> _TAG_BITS)
    if number >= _NUMBERS:
        ok, number = False, 0
    return _Claim(
        ok=ok,
        key_id=key_id,
        mac_key=mac_key,
        qualification_number=f"{number:08d}" if ok else _DUMMY_NUMBER,
        tag=(value & _TAG_MASK).to_bytes(_TAG_BYTES, "big"),
    )


def _matching(claim: _Claim, codes: Sequence[str]) -> int | None:
    """The index of the code among `codes` that the claim's MAC is the MAC of."""
    found: int | None = None
    for index in range(max(len(codes), _MIN_COMPARISONS)):
        candidate = codes[index] if index < len(codes) else _NO_CODE
        expected = _tag(claim.mac_key, claim.key_id, claim.qualification_number, candidate)
        # No early exit: the loop runs as long whether and wherever a code matches.
        if hmac.compare_digest(expected, claim.tag) and index < len(codes) and found is None:
            found = index
    return found if claim.ok else None


def code_matches(
    keys: VerificationKeys, code: object, qualification_number: str, qualification_code: str
) -> bool:
    """Whether `code` is the code of this qualification under any listed key."""
    claim = _claim(keys, code)
    found = _matching(claim, (qualification_code,))
    return found is not None and claim.qualification_number == qualification_number


@dataclass(frozen=True)
class Verified:
    holder: Holder
    qualification: Qualification


def find_qualification(
    keys: VerificationKeys, code: object, read_holder: Callable[[str], Holder | None]
) -> Verified | None:
    """The holder and qualification `code` stands for, as `read_holder` finds them now.

    `read_holder` is called exactly once, also for a code that cannot be valid (with a number
    that is never a holder's), so that every code costs one read.
    """
    claim = _claim(keys, code)
    holder = read_holder(claim.qualification_number)
    candidates = holder.qualifications if holder is not None else ()
    found = _matching(claim, [q.code for q in candidates])
    if holder is None or found is None:
        return None
    return Verified(holder=holder, qualification=candidates[found])


@dataclass(frozen=True)
class Verdict:
    """What the public check answers about a code: no more than a verifier needs to see."""

    status: HolderStatus
    holder_name: str
    qualification: Qualification
    checked_at: datetime


def check(
    code: object,
    *,
    keys: VerificationKeys,
    read_holder: Callable[[str], Holder | None],
    now: datetime,
) -> Verdict | None:
    """The verdict on `code` from the registry as `read_holder` reads it now; None: unknown."""
    found = find_qualification(keys, code, read_holder)
    if found is None:
        return None
    q = found.qualification
    return Verdict(
        status=q.status(today=portal_today(now)),
        holder_name=found.holder.name,
        qualification=q,
        checked_at=now,
    )


@dataclass(frozen=True)
class PassLinks:
    """What a pass links to: `{origin}/v/{code}`, under `keys`."""

    keys: VerificationKeys
    origin: str

    def code(self, qualification_number: str, qualification_code: str) -> str:
        return code_for(self.keys, qualification_number, qualification_code)

    def url(self, code: str) -> str:
        return f"{self.origin.rstrip('/')}/v/{code}"


@functools.lru_cache(maxsize=4)
def _parsed_keys(value: str) -> VerificationKeys:
    return VerificationKeys.from_json(value)


def load_keys(secret_name: str) -> VerificationKeys:
    """The keys from Secrets Manager, re-read at most every KEYS_MAX_AGE_SECONDS per container.

    The secret stays in memory only: it is never logged, and never in an environment variable.
    """
    # Imported here: the codes themselves are plain logic, used and tested without AWS.
    from pasjes.aws import secret_text

    return _parsed_keys(secret_text(secret_name))


def configured_links() -> PassLinks | None:
    """The deployment's links, or None where no secret is configured (passes without QR code)."""
    try:
        settings = get_settings()
    except SettingsError:
        # Outside a function (a unit test, a benchmark): no environment, no QR code. A deployed
        # render validated its settings at its cold start, before it builds any pass.
        return None
    if not settings.verification_secret_name:
        return None
    origin: str = settings.required("public_origin")
    return PassLinks(load_keys(settings.verification_secret_name), origin)
