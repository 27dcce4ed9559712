"""When the wire fails: an offline machine hears so in seconds (issue 12.4), and no failure text can carry
a header value into an answer or a log (issue 11.1).
"""

from __future__ import annotations

import logging
import socket
import time

import pytest

from kaggle_mcp.kaggle import ClientSettings, Credentials, KaggleClient
from kaggle_mcp.kaggle.errors import KaggleUnreachable, NetworkError
from kaggle_mcp.kaggle.retry import UNREACHABLE_ATTEMPTS

from .conftest import Recorder, sandbox_token

pytestmark = pytest.mark.anyio

TOKEN = "KGAT_" + "7" * 32


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"  # nothing listens there any more: connections are refused


UNREACHABLE = {
    "closed port": (closed_port_url, "the connection was refused"),
    "unresolvable host": (lambda: "http://kaggle-agent-mcp-test.invalid", "could not be resolved (DNS)"),
}


@pytest.mark.parametrize("where", sorted(UNREACHABLE))
async def test_unreachable_kaggle_fails_within_5_seconds_naming_the_next_step(where):
    make_url, why = UNREACHABLE[where]
    recorder = Recorder()
    settings = ClientSettings(endpoint=make_url())  # the default budget: 60 s of retries for a busy Kaggle
    started = time.monotonic()
    async with KaggleClient(settings, Credentials.token(TOKEN), transport=recorder) as kc:
        with pytest.raises(KaggleUnreachable) as info:
            await kc.competitions.list_competitions()
    assert time.monotonic() - started < 5
    assert len(recorder.sent) == UNREACHABLE_ATTEMPTS  # retried, but only briefly
    text = str(info.value)
    assert "Kaggle is unreachable" in text and why in text
    assert "Check this machine's network connection" in text and "KAGGLE_API_ENDPOINT" in text


async def test_an_unsent_write_says_nothing_was_sent():
    async with KaggleClient(ClientSettings(endpoint=closed_port_url()), Credentials.token(TOKEN)) as kc:
        with pytest.raises(KaggleUnreachable) as info:
            await kc.competitions.create_submission("titanic", "blob-token", "msg")
    assert "Nothing was sent" in str(info.value) and "check whether it took effect" not in str(info.value)


async def test_a_header_httpx_refuses_is_named_not_quoted_and_not_retried(sandbox, caplog):
    """What two tokens in one header give: h11 refuses to send it, and its error text quotes the value."""
    secret = "KGAT_" + "c" * 32
    recorder = Recorder()
    settings = ClientSettings(endpoint=sandbox.url, extra_headers={"X-Probe": f"{secret}\nKGAT_{'d' * 32}"})
    before = dict(sandbox.call_counts)
    with caplog.at_level(logging.DEBUG):
        async with KaggleClient(settings, Credentials.token(sandbox_token()), transport=recorder) as kc:
            with pytest.raises(NetworkError) as info:
                await kc.competitions.get_competition("titanic")
    assert len(recorder.sent) == 1 and dict(sandbox.call_counts) == before  # one attempt, nothing arrived
    text = str(info.value)
    assert "LocalProtocolError: the request could not be sent: a header value is not valid HTTP" in text
    for where in (text, repr(info.value), caplog.text):
        assert secret not in where and secret[5:] not in where and sandbox_token() not in where
