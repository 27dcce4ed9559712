"""kagglesdk as an outside oracle: its message classes, filled with the same values as ours.

kagglesdk (installed with the official CLI) is Kaggle's own generated code: its field metadata says which
JSON name each field has, whether it is proto3 ``optional``, its type and default. ``pair`` builds one of
our wire models and the kagglesdk message of the same name from the same values, so a test can compare
what each puts on the wire; ``sdk_filled`` builds a kagglesdk message with a value in every field our
model reads, so a test can serialise it with kagglesdk and parse the JSON with our model.
"""

from __future__ import annotations

import enum
import importlib
import pkgutil
import types
import typing
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

import kagglesdk
from kagglesdk.kaggle_object import KaggleObject, ListSerializer, MapSerializer

from kaggle_mcp.kaggle import models
from kaggle_mcp.kaggle.wire import WireModel

SKIP = object()
WHEN = datetime(2026, 3, 4, 5, 6, 7, 123000)  # kagglesdk's datetimes are naive UTC, milliseconds on the wire
# Whole seconds under a day: kagglesdk writes a Duration from ``timedelta.seconds`` (days dropped) and a
# fraction as e.g. "3600.500.0s", which it cannot read back itself, so only these round-trip through it.
LONG = timedelta(hours=9, seconds=7)


@cache
def sdk_classes() -> dict[str, list[type]]:
    """Every kagglesdk message class by name (a name can exist in several services' modules)."""
    found: dict[str, list[type]] = {}
    for info in pkgutil.walk_packages(kagglesdk.__path__, "kagglesdk."):
        if ".types." not in info.name:
            continue
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if isinstance(value, type) and issubclass(value, KaggleObject) and value.__module__ == module.__name__:
                found.setdefault(name, []).append(value)
    return found


def our_models() -> list[type[WireModel]]:
    """Every wire model of ours, once (aliases such as ``ListCompetitionsResponse`` skipped)."""
    seen: dict[str, type[WireModel]] = {}
    for info in pkgutil.walk_packages(models.__path__, f"{models.__name__}."):  # a service's parts, too
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, WireModel) and value.__module__ == module.__name__:
                seen[value.__name__] = value
    return sorted(seen.values(), key=lambda c: c.__name__)


def sdk_twin(ours: type[WireModel]) -> type:
    """The kagglesdk class with our class's name, from the same service when several exist."""
    candidates = sdk_classes().get(ours.__name__, [])
    if not candidates:
        raise LookupError(f"kagglesdk has no message named {ours.__name__}")
    service = ours.__module__.split(".models.", 1)[1].split(".")[0]  # models.competitions.catalog: competitions
    same = [c for c in candidates if f".{service}." in c.__module__]
    return (same or candidates)[0]


def sdk_fields(sdk_cls: type) -> dict[str, Any]:
    return {f.field_name: f for f in sdk_cls._fields}


def _models_in(annotation: Any) -> list[type[WireModel]]:
    if isinstance(annotation, type) and issubclass(annotation, WireModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models_in(arg)]


def _literal_names(annotation: Any) -> tuple[str, ...]:
    if typing.get_origin(annotation) is typing.Literal:
        return typing.get_args(annotation)
    if typing.get_origin(annotation) in (typing.Union, types.UnionType, typing.Annotated):
        return tuple(n for arg in typing.get_args(annotation) for n in _literal_names(arg))
    return ()


def _scalar(field: Any, annotation: Any, zero: bool, index: int, depth: int) -> tuple[Any, Any]:
    """(our value, kagglesdk's value) for one item of ``field`` (``index`` varies items of a list)."""
    kind = field.field_type
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        members = list(kind)
        if zero:
            member = members[0]
        else:
            allowed = _literal_names(annotation)
            choices = [m for m in members[1:] if not allowed or m.name in allowed]
            member = choices[-1 - index % len(choices)]
        return member.name, member
    if isinstance(kind, type) and issubclass(kind, KaggleObject):
        if zero:
            return SKIP, SKIP
        (nested,) = _models_in(annotation)
        return pair(nested, zero=False, depth=depth + 1, sdk_cls=kind)
    if kind is bool:
        return (False, False) if zero else (True, True)
    if kind is int:
        return (0, 0) if zero else (1_099_511_627_776 + index, 1_099_511_627_776 + index)
    if kind is float:
        return (0.0, 0.0) if zero else (0.77511 + index, 0.77511 + index)
    if kind is str:
        text = "" if zero else f"{field.field_name} #{index} — é"
        return text, text
    if kind is datetime:
        return (SKIP, SKIP) if zero else (WHEN.replace(tzinfo=UTC), WHEN)
    if kind is timedelta:
        return (SKIP, SKIP) if zero else (LONG, LONG)
    raise TypeError(f"no test value for {field.field_name} of type {kind}")


def values(field: Any, annotation: Any, zero: bool, depth: int = 0) -> tuple[Any, Any]:
    """(ours, kagglesdk's) for a whole field: lists get two items, maps one entry."""
    if isinstance(field.serializer, ListSerializer):
        if zero:
            return [], []
        items = [_scalar(field, annotation, False, i, depth) for i in range(2)]
        return [a for a, _ in items], [b for _, b in items]
    if isinstance(field.serializer, MapSerializer):
        if zero:
            return {}, {}
        ours, theirs = _scalar(field, annotation, False, 0, depth)
        return {"key": ours}, {"key": theirs}
    return _scalar(field, annotation, zero, 0, depth)


def pair(
    ours_cls: type[WireModel], *, zero: bool, depth: int = 0, sdk_cls: type | None = None
) -> tuple[WireModel, KaggleObject]:
    """One of our models and its kagglesdk twin (``sdk_cls``, for a nested message the type kagglesdk's
    field declares), every field of ours set to the same value in both (``zero``: the proto3 zero value,
    which tells optional fields from plain ones)."""
    sdk_cls = sdk_cls or sdk_twin(ours_cls)
    fields = sdk_fields(sdk_cls)
    theirs = sdk_cls()
    kwargs: dict[str, Any] = {}
    for name, info in ours_cls.model_fields.items():
        if name not in fields:
            raise AssertionError(f"{ours_cls.__name__}.{name}: kagglesdk's {sdk_cls.__name__} has no such field")
        if depth > 2 and isinstance(fields[name].field_type, type) and issubclass(fields[name].field_type, KaggleObject):
            continue
        ours_value, sdk_value = values(fields[name], info.annotation, zero, depth)
        if ours_value is SKIP:
            continue
        kwargs[name] = ours_value
        setattr(theirs, name, sdk_value)
    return ours_cls(**kwargs), theirs


def sdk_filled(ours_cls: type[WireModel], depth: int = 0) -> KaggleObject:
    """A kagglesdk message with a value in every field our model reads (for the parsing direction)."""
    return pair(ours_cls, zero=False, depth=depth)[1]


def normalised(value: Any) -> Any:
    """A kagglesdk value in the shape our models hold it (enum -> NAME, naive UTC -> aware)."""
    if isinstance(value, enum.Enum):
        return value.name
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value
    if isinstance(value, list):
        return [normalised(v) for v in value]
    if isinstance(value, dict):
        return {k: normalised(v) for k, v in value.items()}
    return value


def mismatches(ours: WireModel, theirs: KaggleObject, where: str = "") -> list[str]:
    """Every field of ours whose value differs from kagglesdk's reading of the same JSON."""
    problems = []
    for name in type(ours).model_fields:
        mine, sdk_value = getattr(ours, name), getattr(theirs, name)
        path = f"{where}{type(ours).__name__}.{name}"
        if isinstance(mine, WireModel):
            problems += mismatches(mine, sdk_value, path + ".")
        elif isinstance(mine, list) and mine and isinstance(mine[0], WireModel):
            if len(mine) != len(sdk_value):
                problems.append(f"{path}: {len(mine)} items, kagglesdk {len(sdk_value)}")
            for i, (a, b) in enumerate(zip(mine, sdk_value, strict=False)):
                problems += mismatches(a, b, f"{path}[{i}].")
        elif mine is None and sdk_value in ("", 0, False, None):
            continue  # unset: kagglesdk's getters answer a zero value where ours keep None
        elif mine != normalised(sdk_value):
            problems.append(f"{path}: ours {mine!r}, kagglesdk {normalised(sdk_value)!r}")
    return problems
