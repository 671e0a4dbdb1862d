"""A ZIP archive assembled from members deflated beforehand, possibly by other processes.

:class:`zipfile.ZipFile` compresses each member as it writes it, so one process does all the
work. The workbook's sheets are rendered and deflated by two processes
(:meth:`allocator.workbook.Workbook.save`), and the archive is put together here from their
:class:`Member` s. The bytes are the ones ``zipfile`` writes for the same members with
``zf.open(info, "w")`` on a seekable file: the same deflate streams (raw, ``wbits = −15``), the
same local headers (sizes known, so no data descriptor) and central directory, no ZIP64.
"""
from __future__ import annotations

import struct
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

_VERSION = 20  # "version needed to extract" for deflate, as zipfile writes it
_DEFLATED = 8
_LIMIT = (1 << 32) - 1  # beyond this a size or an offset needs ZIP64, which is not written here
_MAX_MEMBERS = 0xFFFF


@dataclass(frozen=True)
class Member:
    """One file of the archive, already deflated: its name, the CRC-32 and size of its
    uncompressed bytes, and the raw deflate stream."""

    name: str
    crc: int
    size: int
    data: bytes


def deflate(name: str, chunks: Iterable[bytes], level: int) -> Member:
    """The member ``name`` holding ``chunks`` one after another, deflated at zlib ``level``."""
    packer = zlib.compressobj(level, zlib.DEFLATED, -15)
    crc = size = 0
    parts = []
    for chunk in chunks:
        crc = zlib.crc32(chunk, crc)
        size += len(chunk)
        parts.append(packer.compress(chunk))
    parts.append(packer.flush())
    return Member(name, crc, size, b"".join(parts))


def write_zip(path: Path, members: Iterable[Member],
              date_time: tuple[int, int, int, int, int, int]) -> None:
    """Write ``members`` in order into the archive ``path``, each stamped ``date_time``, with
    the permissions 0644 of an MS-DOS system (``create_system`` 0), as ``zipfile`` would."""
    year, month, day, hour, minute, second = date_time
    dos_date = (year - 1980) << 9 | month << 5 | day
    dos_time = hour << 11 | minute << 5 | second // 2
    external = 0o644 << 16
    central = []
    offset = 0
    with open(path, "wb") as out:
        for m in members:
            name = m.name.encode("ascii")  # ASCII names: no UTF-8 flag
            if max(m.size, len(m.data), offset) > _LIMIT:
                raise ValueError(f"{path.name}: {m.name} needs ZIP64 (over 4 GB)")
            # flags (none), method, time, date, CRC, compressed and uncompressed sizes, name
            fields = (0, _DEFLATED, dos_time, dos_date, m.crc, len(m.data), m.size, len(name))
            out.write(struct.pack("<4s2B4HL2L2H", b"PK\x03\x04", _VERSION, 0, *fields, 0)
                      + name)
            out.write(m.data)
            central.append(struct.pack("<4s4B4HL2L5H2L", b"PK\x01\x02", _VERSION, 0,
                                       _VERSION, 0, *fields, 0, 0, 0, 0, external, offset)
                           + name)
            offset += 30 + len(name) + len(m.data)
        if len(central) > _MAX_MEMBERS:
            raise ValueError(f"{path.name}: {len(central):,} members need ZIP64")
        directory = b"".join(central)
        out.write(directory)
        out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(central), len(central),
                              len(directory), offset, 0))
