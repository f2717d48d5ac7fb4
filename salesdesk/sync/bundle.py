"""The bundle file: a zip of ``manifest.json`` and ``changes.jsonl``.

The manifest names the two databases, the schema revision, the changes' range (what the
sender believed the receiver held, ``from``, and what the sender held, ``to``), the
changes file's SHA-256 and an HMAC over both made with the secret the two databases
share since the replica was made. A damaged file fails the checksum; a file changed on
purpose fails the HMAC, since whoever changed it does not have the secret.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from salesdesk.errors import ValidationError
from salesdesk.i18n import _

FORMAT = 1
MANIFEST = "manifest.json"
CHANGES = "changes.jsonl"


@dataclass
class Bundle:
    """A read bundle: its manifest and its change lines (not yet checked against a
    database)."""

    manifest: dict[str, Any]
    lines: list[dict[str, Any]]


def _mac(secret: str, manifest: dict[str, Any], body: bytes) -> str:
    unsigned = {k: v for k, v in manifest.items() if k != "hmac"}
    message = json.dumps(unsigned, sort_keys=True).encode("utf-8") + b"\n" + body
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def write(path: Path, manifest: dict[str, Any], lines: list[dict[str, Any]],
          secret: str) -> Path:
    """Write a bundle to ``path`` through a temporary name and a rename, so that a reader
    of a shared folder never sees half a file."""
    body = "".join(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n"
                   for line in lines).encode("utf-8")
    manifest = {**manifest, "format": FORMAT, "count": len(lines),
                "sha256": hashlib.sha256(body).hexdigest()}
    manifest["hmac"] = _mac(secret, manifest, body)
    path = Path(path)
    tmp = path.with_name(f".{path.name}.partial")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(MANIFEST, json.dumps(manifest, indent=1, sort_keys=True))
        archive.writestr(CHANGES, body)
    tmp.replace(path)
    return path


def _damaged(path: Path, why: str) -> ValidationError:
    return ValidationError(_("Bundle"), _("{file} is damaged or not a SalesDesk bundle ({why}); "
                                         "nothing was changed.").format(file=path.name, why=why))


def read(path: Path) -> tuple[Bundle, bytes]:
    """Open a bundle file; a file that is not one raises a ValidationError."""
    path = Path(path)
    try:
        with zipfile.ZipFile(path) as archive:
            manifest = json.loads(archive.read(MANIFEST).decode("utf-8"))
            body = archive.read(CHANGES)
    except FileNotFoundError as exc:
        raise ValidationError(_("Bundle"), _("there is no file {file}.").format(
            file=path)) from exc
    except (zipfile.BadZipFile, KeyError, UnicodeDecodeError, json.JSONDecodeError,
            OSError, EOFError) as exc:
        raise _damaged(path, type(exc).__name__) from exc
    if not isinstance(manifest, dict):
        raise _damaged(path, "manifest")
    if hashlib.sha256(body).hexdigest() != manifest.get("sha256"):
        raise _damaged(path, _("checksum"))
    try:
        lines = [json.loads(line) for line in io.BytesIO(body).read().decode("utf-8")
                 .splitlines() if line.strip()]
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _damaged(path, type(exc).__name__) from exc
    if len(lines) != manifest.get("count"):
        raise _damaged(path, _("count"))
    return Bundle(manifest, lines), body


def verify(path: Path, bundle: Bundle, body: bytes, secret: str) -> None:
    """Check the HMAC with the secret shared with the sender."""
    expected = _mac(secret, bundle.manifest, body)
    if not hmac.compare_digest(expected, str(bundle.manifest.get("hmac", ""))):
        raise ValidationError(_("Bundle"), _(
            "{file} was changed after it was written (its signature does not match); "
            "nothing was changed.").format(file=Path(path).name))
