"""The ZIP writer for members deflated beforehand (``allocator.zipped``)."""
from __future__ import annotations

import zipfile

import pytest

from allocator.zipped import Member, deflate, write_zip

DATE = (1980, 1, 1, 0, 0, 0)
TEXTS = {"[Content_Types].xml": "<Types/>",
         "xl/worksheets/sheet1.xml": "<row>Đào tạo</row>" * 5_000,
         "empty.txt": "",
         "docProps/core.xml": "<dc:title>kế hoạch 2024</dc:title>"}


def _as_zipfile_writes(path, level: int) -> None:
    """The same members written by the standard library, as the workbook used to write them."""
    with zipfile.ZipFile(path, "w") as zf:
        for name, text in TEXTS.items():
            info = zipfile.ZipInfo(name, date_time=DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            # ``compress_level`` from Python 3.13, ``_compresslevel`` before
            setattr(info, "compress_level" if hasattr(info, "compress_level") else
                    "_compresslevel", level)
            info.create_system = 0
            info.external_attr = 0o644 << 16
            with zf.open(info, "w") as out:
                out.write(text.encode("utf-8"))


@pytest.mark.parametrize("level", [1, 6])
def test_the_archive_has_the_bytes_zipfile_writes(tmp_path, level):
    members = [deflate(name, [text.encode("utf-8")], level) for name, text in TEXTS.items()]
    write_zip(tmp_path / "ours.zip", members, DATE)
    _as_zipfile_writes(tmp_path / "std.zip", level)
    assert (tmp_path / "ours.zip").read_bytes() == (tmp_path / "std.zip").read_bytes()


def test_members_deflated_in_chunks_read_back_whole_with_their_checksums(tmp_path):
    text = "".join(f"<c r=\"A{i}\">{i * 7919 % 1000}</c>" for i in range(20_000)).encode()
    chunks = [text[i:i + 4096] for i in range(0, len(text), 4096)]
    write_zip(tmp_path / "a.zip", [deflate("a.xml", chunks, 1), deflate("b.xml", [b"x"], 1)],
              (2024, 3, 9, 13, 45, 58))
    with zipfile.ZipFile(tmp_path / "a.zip") as zf:
        assert zf.testzip() is None  # every CRC checks
        assert zf.read("a.xml") == text
        assert zf.namelist() == ["a.xml", "b.xml"]
        assert zf.getinfo("b.xml").date_time == (2024, 3, 9, 13, 45, 58)


def test_a_member_too_large_for_a_plain_zip_is_refused(tmp_path):
    huge = Member("huge.xml", 0, 1 << 32, b"")
    with pytest.raises(ValueError, match="huge.xml needs ZIP64"):
        write_zip(tmp_path / "h.zip", [huge], DATE)
