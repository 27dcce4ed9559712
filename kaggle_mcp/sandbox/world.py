"""The sandbox's in-memory Kaggle: plain records plus the registry of blobs and uploads.

Handlers read and mutate this under one lock; it knows nothing about HTTP so tests can inspect it
directly (``sb.state``) — e.g. to accept a competition's rules for a user, which on Kaggle only the
website can do.
"""

from __future__ import annotations

import itertools
import secrets
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from kaggle_mcp.sandbox.blobs import Blob
from kaggle_mcp.sandbox.forum_world import Comment, Forum, WriteUp

if TYPE_CHECKING:
    from kaggle_mcp.sandbox.model_world import Model

SANDBOX_USER = "sandbox-user"


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def ts(dt: datetime | None) -> str | None:
    """Kaggle's timestamp shape: ``YYYY-MM-DDTHH:MM:SS.mmmZ`` in UTC."""
    if dt is None:
        return None
    dt = dt.astimezone(timezone.utc)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


@dataclass
class DataFile:
    name: str
    blob: Blob
    description: str = ""
    created: datetime = field(default_factory=utcnow)
    columns: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Page:
    name: str
    content: str
    mime_type: str = "text/markdown"
    title: str = ""


@dataclass
class LeaderboardRow:
    team_id: int
    team_name: str
    submitted: datetime
    score: float


@dataclass
class Topic:
    id: int
    title: str
    author: str
    comments: int
    votes: int
    posted: datetime
    last_comment: datetime
    sticky: bool = False
    body: str = ""                                     # the first post, markdown
    thread: list[Comment] = field(default_factory=list)
    writeup: WriteUp | None = None


@dataclass
class Submission:
    ref: int
    competition: str
    user: str
    file_name: str
    total_bytes: int
    date: datetime
    description: str
    status: str = "COMPLETE"
    public_score: str = ""
    private_score: str = ""
    error: str = ""
    seeded: bool = False                 # part of the generated world: not persisted


@dataclass
class Competition:
    slug: str
    id: int
    title: str
    subtitle: str
    category: str          # display string, e.g. "Getting Started"
    host_segment: str      # HostSegment enum name
    reward: str
    organization: str
    enabled: datetime
    deadline: datetime
    metric: str
    higher_is_better: bool
    team_count: int
    kernel_count: int
    max_daily_submissions: int
    max_team_size: int
    kernels_only: bool = False
    awards_points: bool = True
    submissions_disabled: bool = False
    tags: list[str] = field(default_factory=list)
    files: dict[str, DataFile] = field(default_factory=dict)
    pages: list[Page] = field(default_factory=list)
    leaderboard: list[LeaderboardRow] = field(default_factory=list)
    topics: list[Topic] = field(default_factory=list)
    entrants: set[str] = field(default_factory=set)
    solution: dict[str, str] = field(default_factory=dict)   # id -> expected label (scoring)
    submission_columns: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"https://www.kaggle.com/competitions/{self.slug}"

    def has_ended(self, now: datetime) -> bool:
        return self.deadline <= now


@dataclass
class DatasetVersion:
    number: int
    created: datetime
    creator: str
    notes: str
    files: dict[str, DataFile]
    user_made: bool = False              # created through the API (persisted), not seeded


@dataclass
class Dataset:
    owner: str
    slug: str
    id: int
    title: str
    subtitle: str
    description: str
    license_name: str
    is_private: bool
    keywords: list[str]
    versions: list[DatasetVersion]
    votes: int = 0
    downloads: int = 0
    views: int = 0
    kernel_count: int = 0
    usability: float = 0.75
    status: str = "READY"

    @property
    def ref(self) -> str:
        return f"{self.owner}/{self.slug}"

    @property
    def current(self) -> DatasetVersion:
        return self.versions[-1]


@dataclass
class KernelVersion:
    number: int
    source: str
    created: datetime
    run: Any = None               # runner.KernelRun, or a SeedRun for seeded kernels
    title: str = ""
    machine_shape: str = ""
    timeout_s: float | None = None
    session_id: int = 0
    accelerator: str = ""                  # recorded, not emulated: "gpu" | "tpu" | ""
    finished: datetime | None = None       # first time a terminal status was observed


@dataclass
class Kernel:
    owner: str
    slug: str
    id: int
    title: str
    language: str
    kernel_type: str
    is_private: bool = False
    enable_gpu: bool = False
    enable_tpu: bool = False
    enable_internet: bool = True
    competition_sources: list[str] = field(default_factory=list)
    dataset_sources: list[str] = field(default_factory=list)
    kernel_sources: list[str] = field(default_factory=list)
    model_sources: list[str] = field(default_factory=list)
    category_ids: list[str] = field(default_factory=list)
    total_votes: int = 0
    score: float | None = None
    created: datetime = field(default_factory=utcnow)
    last_run_time: datetime = field(default_factory=utcnow)
    docker_image: str = ""
    machine_shape: str = ""
    versions: list[KernelVersion] = field(default_factory=list)

    @property
    def ref(self) -> str:
        return f"{self.owner}/{self.slug}"


@dataclass
class Upload:
    """An upload session: the bytes received so far at ``createUrl``."""

    token: str
    name: str
    size: int
    kind: str                  # "blob" | "submission"
    blob_type: str = ""
    competition: str = ""
    owner: str = ""
    data: bytearray = field(default_factory=bytearray)
    created: datetime = field(default_factory=utcnow)

    @property
    def complete(self) -> bool:
        return len(self.data) == self.size


class World:
    """All sandbox state. One re-entrant lock guards every mutation."""

    def __init__(self, seed: int = 0, hostile: bool = False):
        self.seed = seed
        self.hostile = hostile
        self.lock = threading.RLock()
        self.users: dict[str, str] = {}                 # username -> display name
        self.competitions: dict[str, Competition] = {}
        self.datasets: dict[str, Dataset] = {}          # "owner/slug"
        self.kernels: dict[str, Kernel] = {}            # "owner/slug"
        self.submissions: list[Submission] = []
        self.blobs: dict[str, Blob] = {}
        self.uploads: dict[str, Upload] = {}
        self.forums: dict[str, Forum] = {}              # "<kind>:<ref>", e.g. "competition:titanic"
        self.models: dict[str, Model] = {}              # "owner/slug"
        self.accelerator_seconds_used: dict[str, float] = {}
        self.revoked_refresh_tokens: set[str] = set()   # `kaggle auth revoke`, this process only
        self.page_key = secrets.token_bytes(16)         # signs the rules pages' accept links, this process only
        self._ids = itertools.count(30_000_000)
        self.created = utcnow()

    def bump_ids(self, floor: int) -> None:
        """Never hand out an id at or below ``floor`` (restored state already uses them)."""
        with self.lock:
            current = next(self._ids)
            self._ids = itertools.count(max(current, floor))

    def next_id(self) -> int:
        with self.lock:
            return next(self._ids)

    def register_blob(self, blob: Blob, key: str | None = None) -> str:
        """Give a blob a stable id (stable across runs when ``key`` is), used in its download URL."""
        with self.lock:
            blob_id = key or secrets.token_hex(12)
            self.blobs[blob_id] = blob
            return blob_id

    def topic(self, topic_id: int) -> tuple[Forum, Topic] | None:
        """The topic with this id and the forum it is in, whichever forum that is."""
        for forum in self.forums.values():
            for topic in forum.topics:
                if topic.id == topic_id:
                    return forum, topic
        return None

    def accept_rules(self, user: str, competition: str) -> None:
        """What clicking "I understand and accept" does on the website (no API for it)."""
        with self.lock:
            self.competitions[competition].entrants.add(user)

    def new_upload(self, **kwargs: Any) -> Upload:
        with self.lock:
            upload = Upload(token=secrets.token_urlsafe(18), **kwargs)
            self.uploads[upload.token] = upload
            return upload
