"""safe_unzip on archives a hostile or broken Kaggle could serve: nothing escapes, nothing crashes bare."""

from __future__ import annotations

import struct
import zipfile

import pytest

from kaggle_mcp.kaggle.errors import BadArchive
from kaggle_mcp.kaggle.paths import safe_unzip


def _zip(path, names):
    with zipfile.ZipFile(path, "w") as archive:
        for name in names:
            archive.writestr(name, b"x")
    return path


def test_members_escaping_the_destination_are_skipped_and_named_the_rest_extracted(tmp_path):
    archive = _zip(tmp_path / "slip.zip", ["ok.csv", "../escape.csv", "/etc/cron.d/x", "a/../../up.txt", "sub/fine.csv"])
    dest = tmp_path / "out"
    extracted = safe_unzip(archive, dest)
    assert sorted(p.relative_to(dest).as_posix() for p in extracted.files) == ["ok.csv", "sub/fine.csv"]
    assert len(extracted.skipped) == 3
    for name in ("../escape.csv", "/etc/cron.d/x", "a/../../up.txt"):
        assert sum(name in reason for reason in extracted.skipped) == 1
    assert not (tmp_path / "escape.csv").exists() and not (tmp_path / "up.txt").exists()
    assert sorted(p.relative_to(dest).as_posix() for p in dest.rglob("*") if p.is_file()) == ["ok.csv", "sub/fine.csv"]


def test_symlink_members_are_skipped_so_later_members_cannot_follow_them(tmp_path):
    archive = tmp_path / "links.zip"
    with zipfile.ZipFile(archive, "w") as z:
        link = zipfile.ZipInfo("evil")
        link.external_attr = (0o120777 << 16)  # a symlink member whose target is the parent directory
        z.writestr(link, "..")
        z.writestr("evil/through-the-link.txt", "x")
    dest = tmp_path / "out"
    extracted = safe_unzip(archive, dest)
    assert any("'evil': it is a symlink" in reason for reason in extracted.skipped)
    assert not (dest / "evil").is_symlink() and not (tmp_path / "through-the-link.txt").exists()
    assert [p.relative_to(dest).as_posix() for p in extracted.files] == ["evil/through-the-link.txt"]


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
