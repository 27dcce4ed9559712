"""Argument types that several tool modules share.

They live apart from any tool so that building one tool (the catalog builds only the tool that is called)
never imports another tool's module and the workflows behind it.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

CompetitionArg = Annotated[str, Field(description="Competition slug ('titanic'), or its kaggle.com URL.")]
CursorArg = Annotated[str | None, Field(description="next_cursor from the previous answer, to continue.")]
NotebookArg = Annotated[str, Field(description="Notebook ref owner/slug (optionally owner/slug/version), or its "
                                               "kaggle.com/code URL. A bare slug means one of your own notebooks.")]
