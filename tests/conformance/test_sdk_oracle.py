"""Every message our client sends or reads, checked against kagglesdk's own serialisation (issue 12.2).

Requests: one of our request models and kagglesdk's message of the same name, filled with the same values
(and again with proto3 zero values, which tell optional fields from plain ones), must give the same JSON.
Answers: a kagglesdk message with realistic values in every field we read, serialised by kagglesdk, must
parse with our model to what kagglesdk itself reads back, field by field. Enums: every spelling kagglesdk
accepts (``cancelAcknowledged``, ``KERNEL_WORKER_STATUS_COMPLETE``, ``complete``) must give the member
kagglesdk gives. New models are picked up by name, so a message added later is checked too.
"""

from __future__ import annotations

import enum
import re
import typing

import pytest
from kagglesdk.kaggle_object import EnumSerializer
from sdk_oracle import _models_in, mismatches, our_models, pair, sdk_fields, sdk_filled, sdk_twin

from kaggle_mcp.kaggle.models.kernels import ApiGetKernelSessionStatusResponse
from kaggle_mcp.kaggle.protocol import decode
from kaggle_mcp.kaggle.wire import WireModel, WireRequest, to_wire

REQUESTS = [m for m in our_models() if issubclass(m, WireRequest)]


def _parts_of(roots: list[type[WireModel]]) -> list[type[WireModel]]:
    """Models nested inside requests (a dataset version's files, their columns): sent, so compared too."""
    seen: dict[str, type[WireModel]] = {}
    todo = list(roots)
    while todo:
        for info in todo.pop().model_fields.values():
            for nested in _models_in(info.annotation):
                if nested.__name__ not in seen:
                    seen[nested.__name__] = nested
                    todo.append(nested)
    return list(seen.values())


SENT = REQUESTS + _parts_of(REQUESTS)
READ = [m for m in our_models() if not issubclass(m, WireRequest)]
ENUM_FIELDS = [
    (model, name, field.json_name, field.field_type)
    for model in READ
    for name, field in sdk_fields(sdk_twin(model)).items()
    if name in model.model_fields and isinstance(field.field_type, type) and issubclass(field.field_type, enum.Enum)
]


def _name(model: type) -> str:
    return model.__name__


def test_every_model_has_a_kagglesdk_twin():
    assert len(REQUESTS) >= 30 and len(READ) >= 40
    for model in our_models():
        sdk_twin(model)  # raises LookupError naming the model


@pytest.mark.parametrize("model", SENT, ids=_name)
@pytest.mark.parametrize("filling", ["values", "zero values", "defaults"])
def test_request_json_equals_kagglesdks(model, filling):
    if filling == "defaults":
        ours, theirs = model(), sdk_twin(model)()
    else:
        ours, theirs = pair(model, zero=filling == "zero values")
    assert to_wire(ours) == theirs.to_dict()


@pytest.mark.parametrize("model", READ, ids=_name)
def test_kagglesdk_serialised_answer_parses_field_by_field(model):
    message = sdk_filled(model)
    body = message.to_json().encode()
    ours = decode(model, body, "oracle/Parse")
    assert mismatches(ours, type(message).from_json(body)) == []
    assert ours.model_fields_set  # something was read: the test is not comparing defaults with defaults


def _spellings(name: str, enum_type: type) -> set[str]:
    prefix = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", enum_type.__name__).upper()
    words = name.lower().split("_")
    camel = words[0] + "".join(w.title() for w in words[1:])
    prefixed = f"{prefix}_{name}"
    return {name, name.lower(), camel, camel[0].upper() + camel[1:], prefixed, prefixed.lower()}


@pytest.mark.parametrize(("model", "field", "json_name", "enum_type"), ENUM_FIELDS,
                         ids=[f"{m.__name__}.{f}" for m, f, _, _ in ENUM_FIELDS])
def test_enum_spellings_parse_as_kagglesdk_does(model, field, json_name, enum_type):
    """Where kagglesdk's fallback matches a spelling by its last word only and so lands on an earlier
    member (``DATABUNDLE_VERSION_STATUS_INDIVIDUAL_BLOBS_COMPRESSED`` -> ``BLOBS_DECOMPRESSED``), ours
    gives the member that was spelled; every other spelling must read as kagglesdk reads it."""
    checked, last_word_slips = 0, []
    for member in enum_type:
        for spelling in sorted(_spellings(member.name, enum_type)):
            try:
                expected = EnumSerializer._from_str(enum_type, spelling)
            except KeyError:
                continue
            repeated = typing.get_origin(model.model_fields[field].annotation) is list
            read = getattr(model.model_validate({json_name: [spelling] if repeated else spelling}), field)
            ours = read[0] if repeated else read
            if expected is not member and ours == member.name:
                last_word_slips.append(spelling)
            else:
                assert ours == expected.name, spelling
            checked += 1
    assert checked >= 3 * len(enum_type) and len(last_word_slips) <= 2, last_word_slips


@pytest.mark.parametrize(("spelling", "status"), [
    ("cancelAcknowledged", "CANCEL_ACKNOWLEDGED"),
    ("KERNEL_WORKER_STATUS_COMPLETE", "COMPLETE"),
    ("error", "ERROR"),
    ("SOMETHING_KAGGLE_ADDS_LATER", "SOMETHING_KAGGLE_ADDS_LATER"),
])
def test_kernel_status_spellings(spelling, status):
    """The issue's case: a cancelled run must read as the terminal CANCEL_ACKNOWLEDGED, or a status poll
    would wait for its timeout; an unknown status is kept, not an error."""
    assert decode(ApiGetKernelSessionStatusResponse, f'{{"status": "{spelling}"}}'.encode(), "x").status == status
