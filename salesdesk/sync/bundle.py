"""The bundle file: a zip of ``manifest.json``, ``changes.jsonl`` and the attached
files' contents (``files/<sha256>``, format 2).

The manifest names the two databases, the schema revision, the changes' range (what the
sender believed the receiver held, ``from``, and what the sender held, ``to``), the
changes file's SHA-256, the files it carries (hash -> size) and an HMAC over all of it
made with the secret the two databases share since the replica was made. A damaged file
fails the checksum; a file changed on purpose fails the HMAC, since whoever changed it
does not have the secret; a file's content is named by its own SHA-256, so a content
swapped inside the zip fails its name.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from salesdesk.errors import ValidationError
from salesdesk.files import atomic_target
from salesdesk.i18n import _

FORMAT = 2
MANIFEST = "manifest.json"
CHANGES = "changes.jsonl"
FILES = "files/"
_FILE_NAME = re.compile(r"^files/([0-9a-f]{64})$")


@dataclass
class Bundle:
    """A read bundle: its manifest, its change lines (not yet checked against a
    database) and the attached files' contents by SHA-256."""

    manifest: dict[str, Any]
    lines: list[dict[str, Any]]
    files: dict[str, bytes] = field(default_factory=dict)


def _mac(secret: str, manifest: dict[str, Any], body: bytes) -> str:
    unsigned = {k: v for k, v in manifest.items() if k != "hmac"}
    message = json.dumps(unsigned, sort_keys=True).encode("utf-8") + b"\n" + body
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def write(path: Path, manifest: dict[str, Any], lines: list[dict[str, Any]],
          secret: str, files: dict[str, bytes] | None = None) -> Path:
    """Write a bundle to ``path`` through a temporary name and a rename, so that a reader
    of a shared folder never sees half a file. ``files`` are attached files' contents by
    their SHA-256."""
    files = files or {}
    body = "".join(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n"
                   for line in lines).encode("utf-8")
    manifest = {**manifest, "format": FORMAT, "count": len(lines),
                "sha256": hashlib.sha256(body).hexdigest(),
                "files": {digest: len(data) for digest, data in sorted(files.items())}}
    manifest["hmac"] = _mac(secret, manifest, body)
    path = Path(path)
    with atomic_target(path) as tmp, zipfile.ZipFile(
            tmp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(MANIFEST, json.dumps(manifest, indent=1, sort_keys=True))
        archive.writestr(CHANGES, body)
        for digest, data in sorted(files.items()):
            # Scans and PDFs are compressed already: stored as they are.
            archive.writestr(FILES + digest, data, compress_type=zipfile.ZIP_STORED)
    return path


def _damaged(path: Path, why: str) -> ValidationError:
    return ValidationError(_("Bundle"), _("{file} is damaged or not a SalesDesk bundle ({why}); "
                                         "nothing was changed.").format(file=path.name, why=why))


# Limits a bundle is held to before anything is unpacked: a zip of a few hundred KB can
# hold gigabytes of repeated bytes, and JSON nested deep enough overflows the parser.
MAX_FILE = 512 * 1024 * 1024          # the bundle file itself
MAX_MANIFEST = 1024 * 1024            # manifest.json, unpacked
MAX_CHANGES = 1024 * 1024 * 1024      # changes.jsonl, unpacked
MAX_RATIO = 100                       # unpacked ÷ packed, per entry…
RATIO_FREE = 4 * 1024 * 1024          # …once it unpacks to more than this
MAX_LINE = 16 * 1024 * 1024           # one change line
MAX_DEPTH = 64                        # nesting of a change's JSON
MAX_ATTACHED = 100 * 1024 * 1024      # one attached file (the office's own limit is lower)
MAX_FILES = 10_000                    # attached files in one bundle


def _read_entry(path: Path, archive: zipfile.ZipFile, name: str, limit: int,
                packed: bool = False) -> bytes:
    """One entry, checked against its declared and its actual size before and while it
    is unpacked (a zip's directory may lie). An attached file (``packed``) must be
    stored as it is, never compressed: then it cannot unpack to more than the bundle's
    own size, however many there are."""
    info = archive.getinfo(name)
    if packed and (info.compress_type != zipfile.ZIP_STORED
                   or info.file_size != info.compress_size):
        raise _damaged(path, _("{entry} unpacks to more than allowed").format(entry=name))
    if info.file_size > limit or info.file_size > max(MAX_RATIO * info.compress_size,
                                                       RATIO_FREE):
        raise _damaged(path, _("{entry} unpacks to more than allowed").format(entry=name))
    out = bytearray()
    with archive.open(info) as fh:
        while chunk := fh.read(1024 * 1024):
            out += chunk
            if len(out) > min(limit, max(info.file_size, 0)) or len(out) > limit:
                raise _damaged(path, _("{entry} unpacks to more than allowed").format(
                    entry=name))
    return bytes(out)


def _depth_ok(value: Any, depth: int = 0) -> bool:
    if depth > MAX_DEPTH:
        return False
    if isinstance(value, dict):
        inner: Any = value.values()
    elif isinstance(value, list):
        inner = value
    else:
        return True
    if depth + 1 > MAX_DEPTH:
        return not value  # its values, even plain ones, would be too deep
    # Only containers are looked into (most values of a line are plain).
    return all(_depth_ok(v, depth + 1) for v in inner if isinstance(v, dict | list))


def _json(path: Path, text: str, what: str, line: int | None = None) -> Any:
    """``text`` parsed; ``what`` names it in a refusal (with ``line``'s number: the
    message is only made for a refusal, not for each of 10,000 good lines)."""
    def named() -> str:
        return what.format(n=line) if line is not None else what

    try:
        value = json.loads(text)
    except (json.JSONDecodeError, RecursionError, ValueError) as exc:
        raise _damaged(path, f"{named()}: {type(exc).__name__}") from None
    # A text with no more brackets than the limit cannot nest deeper than it (brackets
    # inside strings only count too many): the walk over the parsed value is for the
    # rest, and it was a tenth of a merge's time.
    if text.count("[") + text.count("{") > MAX_DEPTH and not _depth_ok(value):
        raise _damaged(path, f"{named()}: " + _("nested too deep"))
    return value


def read(path: Path) -> tuple[Bundle, bytes]:
    """Open a bundle file: its manifest and the raw changes, sized and checksummed but
    not yet parsed (:func:`parse_lines`, once the signature is verified). A file that is
    not a bundle, or that would unpack to more than a bundle may, raises a
    ValidationError before anything large is read."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError as exc:
        raise ValidationError(_("Bundle"), _("there is no file {file}.").format(
            file=path)) from exc
    except OSError as exc:
        raise _damaged(path, exc.strerror or type(exc).__name__) from exc
    if size > MAX_FILE:
        raise _damaged(path, _("larger than a bundle may be"))
    files: dict[str, bytes] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            attached = [n for n in names if n not in (MANIFEST, CHANGES)]
            if set(names) - set(attached) != {MANIFEST, CHANGES} or len(names) != len(set(names)) \
                    or len(attached) > MAX_FILES \
                    or not all(_FILE_NAME.match(n) for n in attached):
                raise _damaged(path, _("unexpected contents"))
            manifest_bytes = _read_entry(path, archive, MANIFEST, MAX_MANIFEST)
            body = _read_entry(path, archive, CHANGES, MAX_CHANGES)
            for name in attached:
                digest = name[len(FILES):]
                data = _read_entry(path, archive, name, MAX_ATTACHED, packed=True)
                if hashlib.sha256(data).hexdigest() != digest:
                    raise _damaged(path, _("{entry} does not match its checksum").format(
                        entry=name))
                files[digest] = data
    except ValidationError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, OSError, EOFError,
            zlib.error, NotImplementedError, RuntimeError, ValueError, OverflowError) as exc:
        raise _damaged(path, type(exc).__name__) from exc
    try:
        manifest = _json(path, manifest_bytes.decode("utf-8"), MANIFEST)
    except UnicodeDecodeError as exc:
        raise _damaged(path, type(exc).__name__) from exc
    if not isinstance(manifest, dict):
        raise _damaged(path, "manifest")
    if hashlib.sha256(body).hexdigest() != manifest.get("sha256"):
        raise _damaged(path, _("checksum"))
    # The files the signed manifest names, and no others, each of the size it says.
    listed = manifest.get("files") or {}
    if not isinstance(listed, dict) or set(listed) != set(files) or any(
            listed[digest] != len(data) for digest, data in files.items()):
        raise _damaged(path, _("the files it carries are not the ones it lists"))
    return Bundle(manifest, [], files), body


def parse_lines(path: Path, bundle: Bundle, body: bytes) -> list[dict[str, Any]]:
    """The change lines of a verified bundle, each within the limits of size and depth."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _damaged(path, type(exc).__name__) from exc
    lines = []
    label = _("line {n}")  # translated once, filled in only for a refusal
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        if len(line) > MAX_LINE:
            raise _damaged(path, _("line {n} is too long").format(n=number))
        lines.append(_json(path, line, label, number))
    if len(lines) != bundle.manifest.get("count"):
        raise _damaged(path, _("count"))
    bundle.lines = lines
    return lines


def verify(path: Path, bundle: Bundle, body: bytes, secret: str) -> None:
    """Check the HMAC with the secret shared with the sender."""
    expected = _mac(secret, bundle.manifest, body)
    if not hmac.compare_digest(expected, str(bundle.manifest.get("hmac", ""))):
        raise ValidationError(_("Bundle"), _(
            "{file} was changed after it was written (its signature does not match); "
            "nothing was changed.").format(file=Path(path).name))
