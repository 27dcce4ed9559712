"""``blobs.BlobApiService``: where dataset (and model) files are uploaded before they are referenced."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .models.blobs import ApiStartBlobUploadRequest, ApiStartBlobUploadResponse
from .models.enums import ApiBlobType

if TYPE_CHECKING:
    from .client import KaggleClient

SERVICE = "blobs.BlobApiService"


class BlobService:
    def __init__(self, kc: KaggleClient) -> None:
        self.kc = kc

    async def start_blob_upload(
        self,
        *,
        type: ApiBlobType,
        name: str,
        content_length: int,
        content_type: str | None = None,
        last_modified_epoch_seconds: int | None = None,
    ) -> ApiStartBlobUploadResponse:
        """Returns an upload URL and the token that later names the file. Retried like the official
        CLI does: a repeated call only opens another upload session, it creates nothing visible."""
        request = ApiStartBlobUploadRequest(
            type=type,
            name=name,
            content_length=content_length,
            content_type=content_type,
            last_modified_epoch_seconds=last_modified_epoch_seconds,
        )
        return await self.kc.call(SERVICE, "StartBlobUpload", request, ApiStartBlobUploadResponse, retry="read")
