"""Async client for Kaggle's public API (api.kaggle.com), speaking its real wire protocol.

Only httpx, pydantic, anyio and tenacity; no MCP imports, so the context engine, the server and
scripts can all use it::

    async with KaggleClient(ClientSettings.from_env()) as kc:   # KAGGLE_API_ENDPOINT, credentials per §2
        comp = await kc.competitions.get_competition("titanic")
        async for f in kc.competitions.iter_data_files("titanic"):
            ...
        await kc.competitions.download_data_file("titanic", "train.csv", "data/")

Services mirror Kaggle's (``competitions``, ``kernels``, ``datasets``, ``blobs``, ``security``);
methods are the RPC names in snake_case; errors are ``errors.KaggleError`` subclasses.
"""

from .client import ClientSettings, KaggleClient
from .credentials import Credentials, resolve_credentials
from .transfer import DownloadResult, HeadBytes, Progress, safe_unzip

__all__ = [
    "ClientSettings",
    "Credentials",
    "DownloadResult",
    "HeadBytes",
    "KaggleClient",
    "Progress",
    "resolve_credentials",
    "safe_unzip",
]
