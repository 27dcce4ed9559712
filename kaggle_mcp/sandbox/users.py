"""The sandbox's users: who a request's credentials name, and what each seeded user owns privately.

A hosted deployment serves many Kaggle users at once, so its isolation is tested against a sandbox
that knows several. Every seeded user has one API token and one legacy key, derived from the user
name so a test or a person can compute them (`user_token("alice")`, `user_key("alice")`, or
`kaggle-agent-mcp sandbox`, which prints them). A token maps to its user; a seeded user's legacy key
works only with that user's name, and a seeded user's name only with that key.

What existing clients send keeps working: any other well-shaped token (`KGAT_` + 32 hex) is
`sandbox-user`, and Basic auth with any other user name and a 32-hex key is that user.

alice, bob and carol each own a private notebook and a private dataset, alice and bob have
submissions of their own, and alice's and bob's private notebooks ran on a GPU, so their quotas
differ. Nothing private is seeded for `sandbox-user`: what it sees is what it saw before.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from datetime import datetime, timedelta, timezone

from kaggle_mcp.sandbox.blobs import BytesBlob
from kaggle_mcp.sandbox.kernels_seed import SeedRun
from kaggle_mcp.sandbox.world import (SANDBOX_USER, DataFile, Dataset, DatasetVersion, Kernel, KernelVersion,
                                      Submission, World)

__all__ = ["identify", "seed_private_work", "token_user", "user_id", "user_key", "user_token"]

TOKEN_RE = re.compile(r"KGAT_[0-9a-fA-F]{32}")
KEY_RE = re.compile(r"[0-9a-fA-F]{32}")
_WHEN = datetime(2026, 10, 20, 9, 0, tzinfo=timezone.utc)
_FIRST_USER_ID = 1_000_001


def user_token(user: str) -> str:
    """The seeded user's API token: `KGAT_` + 32 hex derived from the name."""
    return "KGAT_" + hashlib.sha256(f"kaggle-agent-mcp sandbox token:{user}".encode()).hexdigest()[:32]


def user_key(user: str) -> str:
    """The seeded user's legacy API key (kaggle.json's `key`): 32 hex derived from the name."""
    return hashlib.sha256(f"kaggle-agent-mcp sandbox key:{user}".encode()).hexdigest()[:32]


def user_id(world: World, user: str) -> int:
    """A stable numeric id: seeded users in seed order from 1000001 (`sandbox-user` first)."""
    names = list(world.users)
    if user in names:
        return _FIRST_USER_ID + names.index(user)
    return _FIRST_USER_ID + len(names) + int(hashlib.sha256(user.encode()).hexdigest()[:6], 16)


def token_user(world: World, token: str) -> str | None:
    """Whose token this is: a seeded user's, `sandbox-user` for any other well-shaped one, else None."""
    for user in world.users:
        if token == user_token(user):
            return user
    return SANDBOX_USER if TOKEN_RE.fullmatch(token) else None


def identify(world: World, header: str | None) -> tuple[str | None, bool]:
    """(user, credentials_were_valid) for an Authorization header. No header is anonymous, not invalid."""
    if not header:
        return None, True
    scheme, _, value = header.strip().partition(" ")
    value = value.strip()
    if scheme.lower() == "bearer":
        user = token_user(world, value)
        return user, user is not None
    if scheme.lower() == "basic":
        try:
            user, sep, key = base64.b64decode(value, validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None, False
        if not sep or not user or not KEY_RE.fullmatch(key):
            return None, False
        owner = next((u for u in world.users if key == user_key(u)), None)
        if (owner is not None or user in world.users) and owner != user:
            return None, False  # a seeded user's key under another name, or a seeded name with another key
        return user, True
    return None, False


def seed_private_work(world: World) -> None:
    """Each of alice, bob and carol: a private notebook and dataset; alice's and bob's submissions and
    GPU hours. Fixed content, no randomness: the rest of the world's seed is left as it was."""
    _private_dataset(world, "alice", "titanic-private-features", "Titanic private features",
                     {"features.csv": b"PassengerId,deck,family_size\n1,C,2\n2,B,1\n3,E,4\n"})
    _private_dataset(world, "bob", "retail-private-notes", "Retail private notes",
                     {"notes.md": b"# Store notes\n\nStores 7 and 19 close on Sundays.\n"})
    _private_dataset(world, "carol", "olympiad-private-solutions", "Olympiad private solutions",
                     {"solutions.jsonl": b'{"id": 1, "answer": 42}\n{"id": 2, "answer": 7}\n'})
    _private_kernel(world, "alice", "titanic-private-experiments", "titanic", gpu_hours=7.5)
    _private_kernel(world, "bob", "retail-private-baseline", "retail-demand-forecast", gpu_hours=2.0)
    _private_kernel(world, "carol", "olympiad-private-scratch", "ai-math-olympiad-sandbox", gpu_hours=0)
    for user, competition, scores in (("alice", "titanic", ("0.76555", "0.77990")), ("bob", "titanic", ("0.74162",))):
        world.competitions[competition].entrants.add(user)
        for i, score in enumerate(scores):
            world.submissions.append(Submission(
                ref=world.next_id(), competition=competition, user=user, file_name=f"submission_v{i + 1}.csv",
                total_bytes=3258, date=_WHEN + timedelta(days=i), description=f"{user}'s attempt {i + 1}",
                public_score=score, seeded=True))
    world.competitions["retail-demand-forecast"].entrants.add("bob")


def _private_dataset(world: World, owner: str, slug: str, title: str, files: dict[str, bytes]) -> None:
    data_files = {}
    for name, data in files.items():
        blob = BytesBlob(data, "text/csv" if name.endswith(".csv") else "text/plain", _WHEN)
        world.register_blob(blob, f"ds-{owner}-{slug}-{name}")
        data_files[name] = DataFile(name, blob, "", _WHEN)
    world.datasets[f"{owner}/{slug}"] = Dataset(
        owner, slug, world.next_id(), title, f"{owner}'s private working data", f"# {title}\n\nPrivate to {owner}.",
        "CC0-1.0", True, ["private"], [DatasetVersion(1, _WHEN, owner, "Initial release", data_files)])


def _private_kernel(world: World, owner: str, slug: str, competition: str, gpu_hours: float) -> None:
    source = f'print("{owner}\'s private experiments on {competition}")\n'
    log = '[{"stream_name": "stdout", "time": 0.4, "data": "' + f"{owner}'s private experiments on {competition}" \
          + '\\n"}]'
    run = SeedRun(log=log, files={"result.txt": BytesBlob(f"{owner}: private result\n".encode(), "text/plain", _WHEN)})
    world.register_blob(run.files["result.txt"], f"kout-{owner}-{slug}-result.txt")
    version = KernelVersion(1, source, _WHEN, run, f"{owner} private experiments",
                            accelerator="gpu" if gpu_hours else "",
                            finished=_WHEN + timedelta(hours=gpu_hours or 0.1))
    world.kernels[f"{owner}/{slug}"] = Kernel(
        owner=owner, slug=slug, id=world.next_id(), title=f"{owner} private experiments", language="python",
        kernel_type="script", is_private=True, enable_gpu=bool(gpu_hours), competition_sources=[competition],
        created=_WHEN, last_run_time=_WHEN, versions=[version])
