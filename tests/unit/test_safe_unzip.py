"""safe_unzip on archives a hostile or broken Kaggle could serve: nothing escapes, nothing crashes bare."""

from __future__ import annotations

import struct
import zipfile

import pytest

from kaggle_mcp.kaggle.errors import BadArchive, UnsafePath
from kaggle_mcp.kaggle.paths import safe_unzip


def _zip(path, names):
    with zipfile.ZipFile(path, "w") as archive:
        for name in names:
            archive.writestr(name, b"x")
    return path


def test_member_escaping_the_destination_refuses_the_whole_archive(tmp_path):
    archive = _zip(tmp_path / "slip.zip", ["ok.csv", "../escape.csv", "/etc/cron.d/x", "a/../../up.txt"])
    dest = tmp_path / "out"
    with pytest.raises(UnsafePath) as info:
        safe_unzip(archive, dest)
    message = str(info.value)
    assert "3 unsafe name(s)" in message and "nothing extracted" in message
    assert all(name in message for name in ("../escape.csv", "/etc/cron.d/x", "a/../../up.txt"))
    assert not (tmp_path / "escape.csv").exists() and list(dest.iterdir()) == []


def test_corrupt_archive_is_a_bad_archive_and_is_kept(tmp_path):
    archive = tmp_path / "broken.zip"
    archive.write_bytes(b"PK\x03\x04 this is not a zip")
    with pytest.raises(BadArchive, match="broken.zip"):
        safe_unzip(archive, tmp_path / "out")
    assert archive.exists()


def test_member_name_that_is_not_utf8_is_a_bad_archive(tmp_path):
    archive = _zip(tmp_path / "names.zip", ["bad-XX.csv"])
    data = bytearray(archive.read_bytes())
    for offset in [i for i in range(len(data)) if data[i : i + 10] == b"bad-XX.csv"]:
        data[offset + 4 : offset + 6] = b"\xff\xfe"  # invalid UTF-8 ...
    flag_offsets = [i + 6 for i in range(len(data)) if data[i : i + 4] == b"PK\x03\x04"]
    flag_offsets += [i + 8 for i in range(len(data)) if data[i : i + 4] == b"PK\x01\x02"]
    for offset in flag_offsets:  # ... while the archive claims its names are UTF-8 (general flag bit 11)
        (flags,) = struct.unpack_from("<H", data, offset)
        struct.pack_into("<H", data, offset, flags | 0x800)
    archive.write_bytes(bytes(data))
    with pytest.raises(BadArchive, match="names.zip"):
        safe_unzip(archive, tmp_path / "out")
