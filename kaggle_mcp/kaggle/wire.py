"""Wire types: how Kaggle's proto3-JSON messages map to pydantic models, both directions.

Kaggle's server reads request bodies with proto3 presence rules (reference §1.4): a *plain* field is
left out when it equals its zero value, an *optional* field is sent whenever it is set (even ``""``,
``0``, ``false``), ``null`` is never sent, enums travel as NAME strings. The official CLI's bodies
were captured and the server is known to accept exactly those, so ours must match them key for key.

Instead of hand-building dicts per call, every request model states the rule once through its
default: a field whose default is ``None`` is *optional*; any other default (``""``, ``0``,
``False``, ``[]``, the enum's zero NAME) makes it *plain* and it is omitted when equal to that default.
``to_wire`` applies that rule recursively.

Responses go the other way and must be lenient (reference §1.5): unknown fields ignored, missing
fields take defaults, ``null`` treated as missing, int64 accepted as number or numeric string,
timestamps with ``Z`` and up to nanosecond fractions, durations as ``"<seconds>s"``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, get_args

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError, model_validator
from pydantic.alias_generators import to_camel

from .errors import BadRequest


def _int64(value: Any) -> Any:
    """int64 ids may arrive as JSON strings (proto3-JSON allows it); accept ``"123"`` as 123."""
    if isinstance(value, str):
        text = value.strip()
        if re.fullmatch(r"-?\d+", text):
            return int(text)
    return value


_FRACTION = re.compile(r"(\.\d+)")


def _timestamp(value: Any) -> Any:
    """Parse ``YYYY-MM-DDTHH:MM:SS[.fffffffff](Z|±HH:MM)`` to an aware UTC datetime.

    Python's parser accepts at most 6 fractional digits; Kaggle may send 7-9, so trim them.
    """
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        text = _FRACTION.sub(lambda m: m.group(1)[:7], text, count=1)
        parsed = datetime.fromisoformat(text)
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return value


def _duration(value: Any) -> Any:
    """google.protobuf.Duration travels as ``"43200s"`` or ``"1.5s"``."""
    if isinstance(value, str):
        text = value.strip().removesuffix("s")
        return timedelta(seconds=float(text or 0))
    if isinstance(value, int | float):
        return timedelta(seconds=value)
    return value


_WORD_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def _upper_snake(text: str) -> str:
    """``cancelAcknowledged`` / ``CancelAcknowledged`` / ``cancel_acknowledged`` -> ``CANCEL_ACKNOWLEDGED``."""
    return _WORD_BOUNDARY.sub("_", text.strip()).upper()


def enum_parser(names: Any, prefix: str) -> Callable[[Any], Any]:
    """How a response enum field is read: the way kagglesdk reads it (its ``EnumSerializer``).
    Use as ``Annotated[str, BeforeValidator(enum_parser(TheLiteral, "THE_ENUM_TYPE"))]``.

    Kaggle's JSON may spell a member as its NAME (``CANCEL_ACKNOWLEDGED``), in lowerCamelCase
    (``cancelAcknowledged``), in any case, or with the enum's type name as a prefix
    (``KERNEL_WORKER_STATUS_COMPLETE``) or without the prefix the member carries (``best`` for
    ``COMPETITION_SORT_BY_BEST``). Each maps to the member NAME, so callers compare against one
    spelling. ``names`` is the enum's ``Literal``; ``prefix`` its type name in UPPER_SNAKE, as kagglesdk
    derives it from the class name. A value matching no member is kept (upper-snake): a status Kaggle adds
    tomorrow must not break parsing.
    """
    members = frozenset(get_args(names))
    # Spellings with the word breaks lost (``TensorFlow1`` for ``TENSOR_FLOW_1``) compare without underscores.
    squashed = {m.replace("_", ""): m for m in members} | {
        m.removeprefix(prefix + "_").replace("_", ""): m for m in members}

    def parse(value: Any) -> Any:
        if not isinstance(value, str) or value in members:
            return value
        name = _upper_snake(value)
        for candidate in (name, name.removeprefix(prefix + "_"), f"{prefix}_{name}"):
            if candidate in members:
                return candidate
        return squashed.get(name.replace("_", ""), name)

    return parse


Int64 = Annotated[int, BeforeValidator(_int64)]
Timestamp = Annotated[datetime, BeforeValidator(_timestamp)]
Duration = Annotated[timedelta, BeforeValidator(_duration)]


class WireModel(BaseModel):
    """A Kaggle message as received: snake_case attributes, camelCase on the wire, lenient input."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore", frozen=False, defer_build=True)

    @model_validator(mode="before")
    @classmethod
    def _drop_nulls(cls, data: Any) -> Any:
        # proto3 never sends null; if something does, treat it as "absent" so defaults apply.
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if v is not None}
        return data


class WireRequest(WireModel):
    """A request message. Unknown keyword arguments are a programming error here, not leniency.

    A bad argument (say ``sort_by="votes"`` instead of ``"VOTE_COUNT"``) raises BadRequest naming the
    field and the accepted values before anything is sent, so callers handle it like Kaggle's own 400.
    """

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid", defer_build=True)

    def __init__(self, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in err['loc']) or 'request'}: {err['msg']}" for err in exc.errors()[:5]
            )
            raise BadRequest(f"invalid {type(self).__name__} argument(s): {problems}") from None

    def to_wire(self) -> dict[str, Any]:
        return to_wire(self)


def _encode(value: Any) -> Any:
    if isinstance(value, WireModel):
        return to_wire(value)
    if isinstance(value, list | tuple):
        return [_encode(item) for item in value]
    if isinstance(value, datetime):
        moment = value.astimezone(UTC) if value.tzinfo else value
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    if isinstance(value, timedelta):
        seconds = value.total_seconds()
        return f"{int(seconds)}s" if seconds == int(seconds) else f"{seconds}s"
    return value


def to_wire(model: WireModel) -> dict[str, Any]:
    """Serialize with proto3 presence: optional (default None) sent when set, plain omitted at default."""
    body: dict[str, Any] = {}
    for name, field in type(model).model_fields.items():
        value = getattr(model, name)
        if value is None:
            continue
        default = field.get_default(call_default_factory=True)
        if default is not None and value == default:
            continue
        body[field.alias or to_camel(name)] = _encode(value)
    return body
