"""``competitions.CompetitionApiService``: listing, pages, files, leaderboard, topics, submissions.

Rule acceptance matters here as on Kaggle: downloading data or submitting to a competition whose rules
the caller has not accepted is a 403 whose message says so (``retail-demand-forecast`` is seeded
that way for ``sandbox-user``).
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import datetime, timedelta, timezone

from starlette.responses import RedirectResponse, Response

from kaggle_mcp.sandbox.blobs import zip_blob
from kaggle_mcp.sandbox.forum_world import Comment, render_html
from kaggle_mcp.sandbox.rpc import Ctx, Req, bad_request, clean, forbidden, not_found, paginate, rpc
from kaggle_mcp.sandbox.rules_page import rules_link
from kaggle_mcp.sandbox.scoring import score_submission
from kaggle_mcp.sandbox.world import Competition, Submission, ts

S = "competitions.CompetitionApiService"
RULES_MESSAGE = "You must accept this competition's rules before you'll be able to {what}. Accept them at {url}"


def competition(ctx: Ctx, req: Req) -> Competition:
    name = req.str("competitionName")
    if not name:
        raise bad_request("competitionName is required")
    comp = ctx.world.competitions.get(name)
    if comp is None:
        raise not_found(f"Competition '{name}' not found")
    return comp


def require_rules(ctx: Ctx, comp: Competition, what: str) -> str:
    user = ctx.require_user()
    if user not in comp.entrants:
        # the sandbox's own Rules page, signed for this user (rules_page.py): Kaggle's is on kaggle.com
        raise forbidden(RULES_MESSAGE.format(what=what, url=rules_link(ctx.base_url, ctx.world, user, comp.slug)))
    return user


def api_competition(comp: Competition, user: str | None) -> dict:
    entered = user in comp.entrants if user else False
    rank = None
    if entered:
        rank = next((i + 1 for i, r in enumerate(comp.leaderboard) if r.team_name == user), None)
    return clean({
        "id": comp.id, "ref": comp.url, "title": comp.title, "url": comp.url, "description": comp.subtitle,
        "organizationName": comp.organization, "organizationRef": comp.organization.lower().replace(" ", "-"),
        "category": comp.category, "reward": comp.reward,
        "tags": [{"ref": t.replace(" ", "-"), "name": t} for t in comp.tags],
        "deadline": ts(comp.deadline), "kernelCount": comp.kernel_count, "teamCount": comp.team_count,
        "userHasEntered": entered or None, "userRank": rank, "mergerDeadline": ts(comp.deadline - timedelta(days=7)),
        "newEntrantDeadline": ts(comp.deadline - timedelta(days=7)), "enabledDate": ts(comp.enabled),
        "maxDailySubmissions": comp.max_daily_submissions, "maxTeamSize": comp.max_team_size,
        "evaluationMetric": comp.metric, "awardsPoints": comp.awards_points or None,
        "isKernelsSubmissionsOnly": comp.kernels_only or None, "submissionsDisabled": comp.submissions_disabled or None,
        "thumbnailImageUrl": f"https://storage.googleapis.com/kaggle-competitions/{comp.id}/thumb.png",
        "hostName": "", "dateCreated": ts(comp.enabled), "licenseName": "Subject to Competition Rules",
    })


_SORTS = ["COMPETITION_SORT_BY_GROUPED", "COMPETITION_SORT_BY_BEST", "COMPETITION_SORT_BY_PRIZE",
          "COMPETITION_SORT_BY_EARLIEST_DEADLINE", "COMPETITION_SORT_BY_LATEST_DEADLINE",
          "COMPETITION_SORT_BY_NUMBER_OF_TEAMS", "COMPETITION_SORT_BY_RELEVANCE", "COMPETITION_SORT_BY_RECENTLY_CREATED"]
_GROUPS = ["COMPETITION_LIST_TAB_GENERAL", "COMPETITION_LIST_TAB_ENTERED", "COMPETITION_LIST_TAB_COMMUNITY",
           "COMPETITION_LIST_TAB_HOSTED", "COMPETITION_LIST_TAB_UNLAUNCHED",
           "COMPETITION_LIST_TAB_UNLAUNCHED_COMMUNITY", "COMPETITION_LIST_TAB_EVERYTHING"]
_SEGMENTS = ["HOST_SEGMENT_UNSPECIFIED", "HOST_SEGMENT_FEATURED", "HOST_SEGMENT_GETTING_STARTED",
             "HOST_SEGMENT_MASTERS", "HOST_SEGMENT_PLAYGROUND", "HOST_SEGMENT_RECRUITMENT",
             "HOST_SEGMENT_RESEARCH", "HOST_SEGMENT_COMMUNITY", "HOST_SEGMENT_ANALYTICS"]


def _prize(comp: Competition) -> float:
    digits = "".join(ch for ch in comp.reward if ch.isdigit())
    return float(digits) if digits else 0.0


@rpc(S, "ListCompetitions", anonymous=True)
def list_competitions(ctx: Ctx, req: Req) -> dict:
    group = req.enum("group", _GROUPS, "COMPETITION_LIST_TAB_EVERYTHING")
    segment = req.enum("category", _SEGMENTS, "HOST_SEGMENT_UNSPECIFIED")
    sort = req.enum("sortBy", _SORTS, "COMPETITION_SORT_BY_BEST")
    search = req.str("search").lower().strip()
    now = datetime.now(timezone.utc)
    comps = list(ctx.world.competitions.values())
    if group == "COMPETITION_LIST_TAB_ENTERED":
        comps = [c for c in comps if ctx.user and ctx.user in c.entrants]
    elif group not in ("COMPETITION_LIST_TAB_EVERYTHING", "COMPETITION_LIST_TAB_GENERAL"):
        comps = []
    if segment != "HOST_SEGMENT_UNSPECIFIED":
        comps = [c for c in comps if c.host_segment == segment]
    if search:
        comps = [c for c in comps if any(search in s.lower() for s in (c.slug, c.title, c.subtitle, *c.tags))]
    keys = {
        "COMPETITION_SORT_BY_PRIZE": lambda c: -_prize(c),
        "COMPETITION_SORT_BY_EARLIEST_DEADLINE": lambda c: c.deadline,
        "COMPETITION_SORT_BY_LATEST_DEADLINE": lambda c: -c.deadline.timestamp(),
        "COMPETITION_SORT_BY_NUMBER_OF_TEAMS": lambda c: -c.team_count,
        "COMPETITION_SORT_BY_RECENTLY_CREATED": lambda c: -c.enabled.timestamp(),
    }
    comps.sort(key=keys.get(sort, lambda c: (c.has_ended(now), -c.team_count)))
    page, token = paginate(comps, req, legacy_page=True)
    return clean({"competitions": [api_competition(c, ctx.user) for c in page], "nextPageToken": token or None})


@rpc(S, "GetCompetition")
def get_competition(ctx: Ctx, req: Req) -> dict:
    return api_competition(competition(ctx, req), ctx.user)


@rpc(S, "ListCompetitionPages")
def list_pages(ctx: Ctx, req: Req) -> dict:
    comp = competition(ctx, req)
    wanted = req.str("pageName")
    pages = [p for p in comp.pages if not wanted or p.name == wanted]
    if wanted and not pages:
        raise not_found(f"Page '{wanted}' not found in competition '{comp.slug}'")
    return {"pages": [{"name": p.name, "content": p.content, "isPublished": True, "postTitle": p.title,
                       "mimeType": p.mime_type} for p in pages]}


@rpc(S, "ListDataFiles")
def list_data_files(ctx: Ctx, req: Req) -> dict:
    comp = competition(ctx, req)
    files = sorted(comp.files.values(), key=lambda f: f.name)
    page, token = paginate(files, req)
    return {"files": [{"ref": f.name, "name": f.name, "description": f.description, "totalBytes": f.blob.size,
                       "url": f"{comp.url}/data?select={f.name}", "creationDate": ts(f.created)} for f in page],
            "nextPageToken": token}


@rpc(S, "GetCompetitionDataFilesSummary")
def get_competition_data_files_summary(ctx: Ctx, req: Req) -> dict:
    """Files per extension and, for CSVs, columns per type (guessed from the header and first row)."""
    comp = competition(ctx, req)
    extensions: dict[str, list[int]] = {}
    column_types: dict[str, int] = {}
    for f in comp.files.values():
        ext = f.name.rsplit(".", 1)[-1].lower() if "." in f.name else ""
        extensions.setdefault(ext, []).append(f.blob.size)
        if ext == "csv":
            header, _, first = f.blob.read(0, min(f.blob.size, 8192)).decode("utf-8", "replace").partition("\n")
            for value in first.split("\n", 1)[0].split(",")[: len(header.split(","))]:
                kind = "numeric" if value.replace(".", "", 1).lstrip("-").isdigit() else "string"
                column_types[kind] = column_types.get(kind, 0) + 1
    return clean({
        "fileSummaryInfo": {"totalFileCount": len(comp.files), "fileTypes": [
            {"extension": ext, "fileCount": len(sizes), "totalSize": sum(sizes)} for ext, sizes in sorted(extensions.items())]},
        "columnSummaryInfo": {"totalColumnCount": sum(column_types.values()) or None, "columnTypes": [
            {"columnType": kind, "columnCount": n} for kind, n in sorted(column_types.items())] or None}})


@rpc(S, "DownloadDataFile")
def download_data_file(ctx: Ctx, req: Req) -> Response:
    comp = competition(ctx, req)
    name = req.str("fileName")
    if not name:
        raise bad_request("fileName is required")
    require_rules(ctx, comp, "download files")
    data_file = comp.files.get(name)
    if data_file is None:
        raise not_found(f"Data file '{name}' not found in competition '{comp.slug}'")
    threshold = ctx.settings.zip_data_files_over
    if threshold is not None and data_file.blob.size > threshold:  # large files travel compressed, as on Kaggle
        base = name.rsplit("/", 1)[-1]
        key = f"zip1-{comp.slug}-{name.replace('/', '-')}"
        with ctx.world.lock:
            if key not in ctx.world.blobs:
                ctx.world.register_blob(zip_blob(key, [(base, data_file.blob)], data_file.created), key)
        return RedirectResponse(ctx.blob_url(key, f"{name}.zip"), status_code=302)
    blob_id = ctx.world.register_blob(data_file.blob, f"comp-{comp.slug}-{name.replace('/', '-')}")
    return RedirectResponse(ctx.blob_url(blob_id, name), status_code=302)


@rpc(S, "DownloadDataFiles")
def download_data_files(ctx: Ctx, req: Req) -> Response:
    comp = competition(ctx, req)
    require_rules(ctx, comp, "download files")
    key = f"zip-{comp.slug}"
    with ctx.world.lock:
        if key not in ctx.world.blobs:
            members = [(f.name, f.blob) for f in sorted(comp.files.values(), key=lambda f: f.name)]
            newest = max(f.created for f in comp.files.values())
            ctx.world.register_blob(zip_blob(key, members, newest), key)
    return RedirectResponse(ctx.blob_url(key, f"{comp.slug}.zip"), status_code=302)


@rpc(S, "GetLeaderboard")
def get_leaderboard(ctx: Ctx, req: Req) -> dict:
    ctx.require_user()
    comp = competition(ctx, req)
    req.bool("overridePublic", None)
    page, token = paginate(comp.leaderboard, req, default_size=50, max_size=1000)
    return clean({"submissions": [{"teamId": r.team_id, "teamName": r.team_name, "submissionDate": ts(r.submitted),
                                   "score": f"{r.score:.5f}"} for r in page], "nextPageToken": token or None})


@rpc(S, "DownloadLeaderboard")
def download_leaderboard(ctx: Ctx, req: Req) -> Response:
    ctx.require_user()
    comp = competition(ctx, req)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["Rank", "TeamId", "TeamName", "LastSubmissionDate", "Score"])
    for i, r in enumerate(comp.leaderboard, 1):
        writer.writerow([i, r.team_id, r.team_name, r.submitted.strftime("%Y-%m-%d %H:%M:%S"), f"{r.score:.5f}"])
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(f"{comp.slug}-publicleaderboard.csv", out.getvalue())
    return Response(buf.getvalue(), media_type="application/zip")


@rpc(S, "ListCompetitionTopics")
def list_topics(ctx: Ctx, req: Req) -> dict:
    comp = competition(ctx, req)
    sort = req.str("sortBy")
    topics = list(comp.topics)
    if sort in ("TOPIC_LIST_SORT_BY_NEW", "TOPIC_LIST_SORT_BY_RECENT"):
        topics.sort(key=lambda t: t.posted, reverse=True)
    elif sort == "TOPIC_LIST_SORT_BY_ACTIVE":
        topics.sort(key=lambda t: t.last_comment, reverse=True)
    elif sort == "TOPIC_LIST_SORT_BY_TOP":
        topics.sort(key=lambda t: t.votes, reverse=True)
    page, _ = paginate(topics, Req({"page": req.int("page", 1)}), legacy_page=True)
    return clean({"topics": [{
        "id": t.id, "title": t.title, "topicUrl": f"{comp.url}/discussion/{t.id}",
        "authorName": ctx.world.users.get(t.author, t.author), "commentCount": t.comments or None,
        "votes": t.votes or None, "postDate": ts(t.posted), "lastCommentPostDate": ts(t.last_comment),
        "isSticky": t.sticky or None} for t in page], "totalCount": len(topics)})


def _message(ctx: Ctx, id: int, author: str, posted: datetime, markdown: str, votes: int,
             replies: list[Comment]) -> dict:
    return clean({"id": id, "postDate": ts(posted), "content": render_html(markdown), "rawMarkdown": markdown,
                  "authorName": ctx.world.users.get(author, author), "votes": votes or None,
                  "replies": [_message(ctx, r.id, r.author, r.posted, r.markdown, r.votes, r.replies)
                              for r in replies] or None})


@rpc(S, "ListTopicMessages")
def list_topic_messages(ctx: Ctx, req: Req) -> dict:
    """The topic's first post, then its top-level comments with their reply trees (``pageSize`` of them;
    absent or -1 for all)."""
    comp = competition(ctx, req)
    topic_id = req.int("topicId")
    topic = next((t for t in comp.topics if t.id == topic_id), None)
    if topic is None:
        raise not_found(f"Topic {topic_id} not found in competition '{comp.slug}'")
    size = req.int("pageSize", None)
    thread = topic.thread[:size] if size and size > 0 else topic.thread
    first = _message(ctx, topic.id, topic.author, topic.posted, topic.body, topic.votes, [])
    return {"messages": [first, *(_message(ctx, c.id, c.author, c.posted, c.markdown, c.votes, c.replies)
                                  for c in thread)]}


def scored(ctx: Ctx, sub: Submission) -> bool:
    """Whether the scoring delay has passed: until then Kaggle shows a submission PENDING, without a score."""
    return datetime.now(timezone.utc) >= sub.date + timedelta(seconds=ctx.settings.scoring_delay_s)


def api_submission(ctx: Ctx, comp: Competition, sub: Submission) -> dict:
    status, public, private, error = (sub.status, sub.public_score, sub.private_score, sub.error) \
        if scored(ctx, sub) else ("PENDING", "", "", "")
    return clean({
        "ref": sub.ref, "totalBytes": sub.total_bytes, "date": ts(sub.date), "description": sub.description,
        "errorDescription": error or None, "fileName": sub.file_name, "publicScore": public,
        "privateScore": private, "status": None if status == "PENDING" else status,
        "submittedBy": sub.user, "submittedByRef": sub.user, "teamName": sub.user,
        "url": f"{comp.url}/submissions#{sub.ref}"})


_SUB_SORTS = ["SUBMISSION_SORT_BY_DATE", "SUBMISSION_SORT_BY_NAME", "SUBMISSION_SORT_BY_PRIVATE_SCORE",
              "SUBMISSION_SORT_BY_PUBLIC_SCORE"]


@rpc(S, "ListSubmissions")
def list_submissions(ctx: Ctx, req: Req) -> dict:
    user = ctx.require_user()
    comp = competition(ctx, req)
    sort = req.enum("sortBy", _SUB_SORTS, "SUBMISSION_SORT_BY_DATE")
    group = req.enum("group", ["SUBMISSION_GROUP_ALL", "SUBMISSION_GROUP_SUCCESSFUL", "SUBMISSION_GROUP_SELECTED"],
                     "SUBMISSION_GROUP_ALL")
    subs = [s for s in ctx.world.submissions if s.competition == comp.slug and s.user == user]
    if group != "SUBMISSION_GROUP_ALL":
        subs = [s for s in subs if s.status == "COMPLETE" and scored(ctx, s)]
    if sort == "SUBMISSION_SORT_BY_NAME":
        subs.sort(key=lambda s: s.file_name)
    elif sort in ("SUBMISSION_SORT_BY_PUBLIC_SCORE", "SUBMISSION_SORT_BY_PRIVATE_SCORE"):
        subs.sort(key=lambda s: float(s.public_score or "nan"), reverse=comp.higher_is_better)
    else:
        subs.sort(key=lambda s: (s.date, s.ref), reverse=True)
    page, token = paginate(subs, req, legacy_page=True)
    return clean({"submissions": [api_submission(ctx, comp, s) for s in page], "nextPageToken": token or None})


@rpc(S, "GetSubmission")
def get_submission(ctx: Ctx, req: Req) -> dict:
    user = ctx.require_user()
    ref = req.int("ref")
    sub = next((s for s in ctx.world.submissions if s.ref == ref and s.user == user), None)
    if sub is None:
        raise not_found(f"Submission {ref} not found")
    return api_submission(ctx, ctx.world.competitions[sub.competition], sub)


def limits(ctx: Ctx, comp: Competition, user: str) -> dict:
    today = datetime.now(timezone.utc).date()
    mine = [s for s in ctx.world.submissions if s.competition == comp.slug and s.user == user]
    num_today = sum(1 for s in mine if s.date.date() == today)
    return {"numToday": num_today, "numTotal": len(mine),
            "numAllowedNow": max(comp.max_daily_submissions - num_today, 0), "limitedByTotal": False}


@rpc(S, "GetSubmissionLimits")
def get_submission_limits(ctx: Ctx, req: Req) -> dict:
    user = ctx.require_user()
    return clean({k: (v or None) for k, v in limits(ctx, competition(ctx, req), user).items()})


def check_can_submit(ctx: Ctx, comp: Competition, code: bool) -> str:
    user = require_rules(ctx, comp, "submit")
    if comp.submissions_disabled or comp.has_ended(datetime.now(timezone.utc)):
        raise bad_request(f"Competition '{comp.slug}' has ended and no longer accepts submissions.")
    if comp.kernels_only and not code:
        raise bad_request(f"'{comp.slug}' is a code competition: submit a notebook (CreateCodeSubmission), "
                          "not a file.")
    if limits(ctx, comp, user)["numAllowedNow"] <= 0:
        raise bad_request(f"Your team has used its {comp.max_daily_submissions} submissions for today. "
                          "The limit resets at midnight UTC.")
    return user


@rpc(S, "StartSubmissionUpload")
def start_submission_upload(ctx: Ctx, req: Req) -> dict:
    comp = competition(ctx, req)
    user = check_can_submit(ctx, comp, code=False)
    size = req.int("contentLength")
    req.int("lastModifiedEpochSeconds")
    name = req.str("fileName") or "submission.csv"
    if size is None or size < 0:
        raise bad_request("contentLength must be >= 0")
    upload = ctx.world.new_upload(name=name, size=size, kind="submission", competition=comp.slug, owner=user)
    return {"token": upload.token, "createUrl": f"{ctx.base_url}/uploads/{upload.token}"}


def record_submission(ctx: Ctx, comp: Competition, user: str, name: str, data: bytes, description: str) -> Submission:
    status, score, error = score_submission(comp, data)
    with ctx.world.lock:
        sub = Submission(ref=ctx.world.next_id(), competition=comp.slug, user=user, file_name=name,
                         total_bytes=len(data), date=datetime.now(timezone.utc), description=description,
                         status=status, public_score=score, private_score=score, error=error)
        ctx.world.submissions.append(sub)
    ctx.persist()
    return sub


@rpc(S, "CreateSubmission")
def create_submission(ctx: Ctx, req: Req) -> dict:
    comp = competition(ctx, req)
    user = check_can_submit(ctx, comp, code=False)
    token = req.str("blobFileTokens")
    req.bool("sandbox", None)
    with ctx.world.lock:
        upload = ctx.world.uploads.get(token)
        if upload is None or upload.kind != "submission" or upload.competition != comp.slug:
            raise bad_request("blobFileTokens does not name an upload for this competition")
        if not upload.complete:
            raise bad_request(f"Upload of '{upload.name}' is incomplete ({len(upload.data)} of {upload.size} bytes)")
        del ctx.world.uploads[token]
    sub = record_submission(ctx, comp, user, upload.name, bytes(upload.data), req.str("submissionDescription"))
    return {"message": f"Successfully submitted to {comp.title}", "ref": sub.ref}


@rpc(S, "CreateCodeSubmission")
def create_code_submission(ctx: Ctx, req: Req) -> dict:
    comp = competition(ctx, req)
    user = check_can_submit(ctx, comp, code=True)
    ref = f"{req.str('kernelOwner')}/{req.str('kernelSlug')}"
    kernel = ctx.world.kernels.get(ref)
    if kernel is None or (kernel.is_private and kernel.owner != user):
        raise not_found(f"Notebook '{ref}' not found")
    number = req.int("kernelVersion", None)
    version = next((v for v in kernel.versions if v.number == number), None) if number else kernel.versions[-1]
    if version is None:
        raise not_found(f"Version {number} of notebook '{ref}' not found")
    file_name = req.str("fileName") or "submission.csv"
    from kaggle_mcp.sandbox.rpc_kernels import run_outputs

    if version.run is None or version.run.status != "COMPLETE":
        raise bad_request(f"Notebook '{ref}' version {version.number} has not completed successfully")
    blob = run_outputs(ctx, version.run).get(file_name)
    if blob is None:
        raise bad_request(f"Notebook '{ref}' version {version.number} has no output file '{file_name}'")
    sub = record_submission(ctx, comp, user, file_name, blob.read(), req.str("submissionDescription"))
    return {"message": f"Successfully submitted to {comp.title}", "ref": sub.ref}

