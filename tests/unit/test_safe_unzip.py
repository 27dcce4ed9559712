"""safe_unzip on archives a hostile or broken Kaggle could serve: nothing escapes, nothing crashes bare."""

from __future__ import annotations

import shutil
import struct
import zipfile

import anyio
import pytest

from kaggle_mcp.kaggle.archives import ExtractionLimits, extract_archive, safe_unzip
from kaggle_mcp.kaggle.errors import BadArchive


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


# -- issue 11 items 2 and 5: planted links, zip bombs, limits, and extraction off the event loop -------------


def _bomb(path, size=1 << 30, level=9):
    """`size` bytes of zeros in one member: at level 9 a 1 GiB member takes about 1 MB."""
    with zipfile.ZipFile(path, "w") as archive:
        info = zipfile.ZipInfo("bomb.csv")
        info.compress_type = zipfile.ZIP_DEFLATED
        info._compresslevel = level
        with archive.open(info, "w", force_zip64=True) as sink:
            block = bytes(1 << 20)
            for _ in range(size >> 20):
                sink.write(block)
    return path


@pytest.fixture(scope="module")
def bomb(tmp_path_factory):
    return _bomb(tmp_path_factory.mktemp("bomb") / "bomb.zip")


def test_a_one_megabyte_zip_bomb_is_refused_before_a_byte_is_written_and_kept(bomb, tmp_path):
    assert bomb.stat().st_size < 2 << 20
    dest = tmp_path / "out"
    with pytest.raises(BadArchive, match=r"bomb.zip.*1\.0 GB.*zip bomb.*kept") as refused:
        safe_unzip(bomb, dest)
    assert "unzip=false" not in str(refused.value)  # the adapter adds its own next step
    assert bomb.exists()
    assert not dest.exists() or not any(dest.rglob("*"))


def test_member_count_total_size_and_free_space_limits(tmp_path, monkeypatch):
    many = _zip(tmp_path / "many.zip", [f"f{i}.txt" for i in range(30)])
    with pytest.raises(BadArchive, match="30 members, over the limit of 20"):
        safe_unzip(many, tmp_path / "a", ExtractionLimits(max_members=20))
    big = _bomb(tmp_path / "big.zip", size=8 << 20, level=1)
    with pytest.raises(BadArchive, match=r"expand to 8\.0 MB, over the limit of 4\.0 MB"):
        safe_unzip(big, tmp_path / "b", ExtractionLimits(max_total_bytes=4 << 20))
    # under the ratio floor, a highly compressible small archive is fine
    assert [p.name for p in safe_unzip(big, tmp_path / "c").files] == ["bomb.csv"]
    from kaggle_mcp.kaggle import archives

    monkeypatch.setattr(archives.shutil, "disk_usage", lambda _: shutil._ntuple_diskusage(1 << 40, 1 << 40, 1 << 20))
    with pytest.raises(BadArchive, match=r"8\.0 MB but only 1\.0 MB is free at the destination"):
        safe_unzip(big, tmp_path / "d")


def test_planted_links_at_member_destinations_are_skipped_and_named(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    outside = tmp_path / "outside"
    outside.mkdir()
    archive = _zip(tmp_path / "a.zip", ["ok.csv", "linked.csv", "sub/inner.csv", "part.csv"])
    dest = tmp_path / "out"
    dest.mkdir()
    (dest / "linked.csv").symlink_to(victim)
    (dest / "sub").symlink_to(outside, target_is_directory=True)
    (dest / "part.csv.part").symlink_to(victim)  # a leftover temporary name: removed, never followed
    extracted = safe_unzip(archive, dest)
    assert sorted(p.name for p in extracted.files) == ["ok.csv", "part.csv"]
    assert len(extracted.skipped) == 2 and all("symbolic link" in s for s in extracted.skipped)
    assert any("'linked.csv'" in s for s in extracted.skipped) and any("'sub'" in s for s in extracted.skipped)
    assert victim.read_text() == "precious" and list(outside.iterdir()) == []


@pytest.mark.anyio
async def test_extract_archive_runs_off_the_loop_and_a_cancelled_caller_leaves_no_part(tmp_path):
    import threading

    archive = _bomb(tmp_path / "slow.zip", size=64 << 20, level=1)
    loop_thread = threading.get_ident()
    seen: list[int] = []
    original = zipfile.ZipExtFile.read

    def spying(self, n=-1):
        seen.append(threading.get_ident())
        return original(self, n)

    zipfile.ZipExtFile.read = spying
    try:
        extracted = await extract_archive(archive, tmp_path / "out")
        assert [p.name for p in extracted.files] == ["bomb.csv"]
        assert seen and loop_thread not in seen
        gate = threading.Event()

        def blocking(self, n=-1):
            gate.wait(10)
            return original(self, n)

        zipfile.ZipExtFile.read = blocking
        with anyio.move_on_after(0.2) as scope:
            await extract_archive(archive, tmp_path / "cancelled")
        assert scope.cancelled_caught
        gate.set()
        with anyio.fail_after(10):  # the worker sees the stop flag at its next chunk and removes its .part
            while list((tmp_path / "cancelled").glob("*.part")):
                await anyio.sleep(0.01)
        assert not (tmp_path / "cancelled" / "bomb.csv").exists()
    finally:
        zipfile.ZipExtFile.read = original
