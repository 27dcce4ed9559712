"""Async client for Kaggle's public API (api.kaggle.com), speaking its real wire protocol.

Only httpx, pydantic, anyio and tenacity; no MCP imports, so the context engine, the server and
scripts can all use it::

    async with KaggleClient(ClientSettings.from_env()) as kc:   # KAGGLE_API_ENDPOINT, credentials per §2
        comp = await kc.competitions.get_competition("titanic")
        async for f in kc.competitions.iter_data_files("titanic"):
            ...
        await kc.competitions.download_data_file("titanic", "train.csv", "data/")

Services mirror Kaggle's (``competitions``, ``kernels``, ``datasets``, ``blobs``, ``security``,
``discussions``, ``models`` (module ``model_hub``), ``search``, ``users``);
methods are the RPC names in snake_case; errors are ``errors.KaggleError`` subclasses.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .client import ClientSettings as ClientSettings, KaggleClient as KaggleClient
    from .credentials import Credentials as Credentials, resolve_credentials as resolve_credentials
    from .archives import Extracted as Extracted, ExtractionLimits as ExtractionLimits
    from .archives import extract_archive as extract_archive, safe_unzip as safe_unzip
    from .transfer import DownloadResult as DownloadResult, HeadBytes as HeadBytes, Progress as Progress

# Imported on first use (PEP 562): importing one small module of this package (refs, errors) must not
# pull in httpx and every wire model, which a cold start cannot afford.
_EXPORTS = {"ClientSettings": "client", "KaggleClient": "client", "Credentials": "credentials",
            "resolve_credentials": "credentials", "DownloadResult": "transfer", "HeadBytes": "transfer",
            "Progress": "transfer", "safe_unzip": "archives", "extract_archive": "archives",
            "Extracted": "archives", "ExtractionLimits": "archives"}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
