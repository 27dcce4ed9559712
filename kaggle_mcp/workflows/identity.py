"""Who a request acts as: the Kaggle user, where its credentials came from (never their value), the
workspace, and this week's accelerator quota."""

from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel

from ..kaggle.errors import KaggleError, KaggleUnreachable
from ..kaggle.models.kernels import ApiAcceleratorQuota
from .account import Account


class Identity(BaseModel):
    username: str | None = None
    credential_source: str
    credential_kind: str
    endpoint: str
    sandbox: bool
    workspace: str
    read_only: bool
    gpu_quota: str | None = None
    tpu_quota: str | None = None
    #: why Kaggle could not be asked (offline, wrong endpoint); what is known locally is still reported
    unreachable: str | None = None


def _hours(value: timedelta) -> str:
    """Kaggle's quota durations in hours, as its own UI shows them (e.g. 30 h of GPU a week)."""
    return f"{value.total_seconds() / 3600:.1f}".removesuffix(".0")


def _quota(q: ApiAcceleratorQuota) -> str:
    return f"{_hours(q.time_used)} h used of {_hours(q.total_time_allowed)} h this week"


async def whoami(account: Account) -> Identity:
    kc = account.client
    creds = await kc.signed_in()  # resolved off the event loop, a sign-in renewed if due
    try:
        user = await kc.username()
    except KaggleUnreachable as exc:
        return Identity(credential_source=creds.source, credential_kind=creds.kind, endpoint=kc.settings.endpoint,
                        sandbox=account.sandbox, workspace=account.workspace_shown, read_only=account.read_only,
                        unreachable=str(exc))
    gpu = tpu = None
    if user:
        try:
            stats = await kc.kernels.get_accelerator_quota_statistics()
            gpu, tpu = _quota(stats.gpu_quota), _quota(stats.tpu_quota)
        except KaggleError:  # the quota is informative only
            pass
    return Identity(username=user, credential_source=creds.source, credential_kind=creds.kind,
                    endpoint=kc.settings.endpoint, sandbox=account.sandbox, workspace=account.workspace_shown,
                    read_only=account.read_only, gpu_quota=gpu, tpu_quota=tpu)
