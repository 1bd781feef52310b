"""Open a DOCX or EPUB (a zip) only after checking it cannot expand without bound.

``zipfile`` never returns more bytes for a member than its header declares (it stops at
``file_size`` and then fails the CRC), so checking the declared sizes bounds what any
library can inflate from this archive.
"""

from __future__ import annotations

import io
import zipfile

from jjj_brief.formats import Refused

MAX_MEMBERS = 5_000
MAX_TOTAL_BYTES = 200_000_000
MAX_RATIO = 200  # inflated / compressed, for a member over RATIO_FLOOR
RATIO_FLOOR = 5_000_000
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def open_zip(raw: bytes, kind: str) -> zipfile.ZipFile:
    """The archive, checked; :class:`Refused` for a bomb, an encrypted or a non-zip file."""
    if raw.startswith(OLE_MAGIC):
        raise Refused(f"is encrypted (password protected) or an old binary Office file, not a {kind}")
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise Refused(f"is not a valid {kind} (broken zip: {exc})") from None
    if len(members) > MAX_MEMBERS:
        raise Refused(f"has {len(members):,} parts (limit {MAX_MEMBERS:,}): refused as a possible zip bomb")
    total = 0
    for member in members:
        if member.flag_bits & 0x1:
            raise Refused("is encrypted (password protected); save an unprotected copy")
        total += member.file_size
        if member.file_size > RATIO_FLOOR and member.file_size > MAX_RATIO * max(member.compress_size, 1):
            raise Refused(
                f"would expand {member.file_size // max(member.compress_size, 1):,} times "
                f"({member.filename[:60]!r}): refused as a zip bomb"
            )
    if total > MAX_TOTAL_BYTES:
        raise Refused(
            f"would expand to {total / 1e6:,.0f} MB (limit {MAX_TOTAL_BYTES / 1e6:,.0f} MB): refused as a zip bomb"
        )
    return archive
