"""The sandbox's Kaggle Models: a model has instances (a framework and a variation each, such as
``pyTorch/7b``), each instance has numbered versions, each version has files.

Frameworks are kept as the wire's enum NAME (``MODEL_FRAMEWORK_PY_TORCH``); requests may name them in
any spelling kaggle.com or the CLI uses (``pyTorch``, ``pytorch``), matched like the official CLI does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from kaggle_mcp.sandbox.world import DataFile

KAGGLE = "https://www.kaggle.com"


@dataclass
class ModelVersion:
    number: int
    created: datetime
    notes: str
    files: dict[str, DataFile]


@dataclass
class ModelInstance:
    id: int
    framework: str                   # MODEL_FRAMEWORK_* NAME
    slug: str                        # the variation
    overview: str
    usage: str
    license_name: str
    versions: list[ModelVersion]
    fine_tunable: bool = False
    training_data: list[str] = field(default_factory=list)
    instance_type: str = "MODEL_INSTANCE_TYPE_BASE_MODEL"

    @property
    def current(self) -> ModelVersion:
        return self.versions[-1]

    def version(self, number: int | None) -> ModelVersion | None:
        if not number:
            return self.current
        return next((v for v in self.versions if v.number == number), None)


@dataclass
class Model:
    id: int
    owner: str
    slug: str
    title: str
    subtitle: str
    description: str                 # the model card, markdown
    created: datetime
    updated: datetime
    instances: list[ModelInstance]
    tags: list[str] = field(default_factory=list)
    votes: int = 0
    downloads: int = 0
    notebooks: int = 0
    is_private: bool = False
    provenance: str = ""

    @property
    def ref(self) -> str:
        return f"{self.owner}/{self.slug}"

    @property
    def url(self) -> str:
        return f"{KAGGLE}/models/{self.ref}"

    def instance(self, framework: str, slug: str) -> ModelInstance | None:
        wanted = framework_key(framework)
        return next((i for i in self.instances if framework_key(i.framework) == wanted and i.slug == slug), None)


def framework_key(name: str) -> str:
    """``pyTorch``, ``PY_TORCH`` and ``MODEL_FRAMEWORK_PY_TORCH`` all become ``pytorch``."""
    key = re.sub(r"[^a-z0-9]", "", name.lower())
    return key.removeprefix("modelframework")


def framework_url_name(name: str) -> str:
    """``MODEL_FRAMEWORK_TENSOR_FLOW_2`` -> ``tensorFlow2``, as kaggle.com URLs and handles spell it."""
    first, *rest = name.removeprefix("MODEL_FRAMEWORK_").lower().split("_")
    return first + "".join(part.capitalize() for part in rest)
