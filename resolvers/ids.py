"""Global ids (Relay): an opaque base64 of ``Type:localId``, so ``node(id:)`` knows where to look."""

from __future__ import annotations

import base64
import binascii


class InvalidGlobalId(ValueError):
    pass


# base64's URL-safe alphabet from the standard one (what base64.urlsafe_b64encode translates).
_URLSAFE = bytes.maketrans(b"+/", b"-_")


def encode(type_name: str, local_id: str) -> str:
    # binascii directly: base64.urlsafe_b64encode is two Python calls around the same, and a page
    # of 50 actors with 10 partners each encodes some 550 ids (issue 16).
    encoded = binascii.b2a_base64(f"{type_name}:{local_id}".encode(), newline=False)
    return encoded.translate(_URLSAFE).decode().rstrip("=")


def decode(global_id: str) -> tuple[str, str]:
    """``(type_name, local_id)``; :class:`InvalidGlobalId` for anything we did not issue."""
    padded = global_id + "=" * (-len(global_id) % 4)
    try:
        text = base64.urlsafe_b64decode(padded.encode("ascii")).decode()
    except (binascii.Error, UnicodeError, ValueError) as exc:
        raise InvalidGlobalId(global_id) from exc
    type_name, sep, local_id = text.partition(":")
    if not sep or not type_name or not local_id:
        raise InvalidGlobalId(global_id)
    return type_name, local_id


def decode_as(global_id: str, *type_names: str) -> str | None:
    """The local id if ``global_id`` names one of ``type_names``, else ``None``."""
    try:
        type_name, local_id = decode(global_id)
    except InvalidGlobalId:
        return None
    return local_id if type_name in type_names else None
