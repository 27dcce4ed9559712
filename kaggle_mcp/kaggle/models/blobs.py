"""Wire messages of ``blobs.BlobApiService`` (reference §4.4)."""


from ..wire import WireModel, WireRequest
from .enums import ApiBlobType


class ApiStartBlobUploadRequest(WireRequest):
    type: ApiBlobType = "API_BLOB_TYPE_UNSPECIFIED"
    name: str = ""
    content_type: str | None = None
    content_length: int = 0
    last_modified_epoch_seconds: int | None = None


class ApiStartBlobUploadResponse(WireModel):
    token: str = ""
    create_url: str = ""
