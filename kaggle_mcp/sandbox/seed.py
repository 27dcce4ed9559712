"""Builds the seeded world: four competitions, datasets, users, notebooks, models and forums.

The names here are a contract other parts (and their tests) rely on: ``titanic`` (entered by
``sandbox-user``), ``retail-demand-forecast`` (rules not accepted; a generated >= 50 MB train.csv),
``ai-math-olympiad-sandbox`` (code competition) and ``house-prices-2019`` (ended). Generation is
deterministic for a given seed, and dates are fixed relative to 2026 so that "ended" stays ended.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

from kaggle_mcp.sandbox import pages
from kaggle_mcp.sandbox.blobs import BytesBlob, FixedWidthCsvBlob, RepeatBlob
from kaggle_mcp.sandbox.seed_data import (RETAIL_HEADER, dataset_files, house_files, leaderboard_names,
                                          math_files, retail_rows_factory, retail_small_files,
                                          titanic_files)
from kaggle_mcp.sandbox.world import (SANDBOX_USER, Competition, DataFile, Dataset, DatasetVersion,
                                      LeaderboardRow, Topic, World)

UTC = timezone.utc
EPOCH = datetime(2025, 6, 1, tzinfo=UTC)
SEED_NOW = datetime(2026, 11, 1, tzinfo=UTC)   # the seed's clock: same bytes whatever day it runs
USERS = {SANDBOX_USER: "Sandbox User", "alice": "Alice Lovelace", "bob": "Bob Tabular",
         "carol": "Carol Kernels", "dmitri": "Dmitri Boosting", "erin": "Erin Ensembles",
         "kaggle-sandbox": "Kaggle Sandbox"}


def _content_type(name: str) -> str:
    if name.endswith(".csv"):
        return "text/csv"
    if name.endswith((".txt", ".md")):
        return "text/plain"
    return "application/octet-stream"


def _files(world: World, prefix: str, files: dict[str, bytes], created: datetime,
           descriptions: dict[str, str] | None = None) -> dict[str, DataFile]:
    out = {}
    for name, data in files.items():
        blob = BytesBlob(data, _content_type(name), created)
        world.register_blob(blob, f"{prefix}-{name.replace('/', '-')}")
        out[name] = DataFile(name, blob, (descriptions or {}).get(name, ""), created)
    return out


def _leaderboard(rng: random.Random, n: int, center: float, spread: float, higher: bool,
                 start: datetime, end: datetime, decimals: int) -> list[LeaderboardRow]:
    names = leaderboard_names(rng, n)
    span = max(1, int((end - start).total_seconds()))
    rows = [LeaderboardRow(team_id=10_000_000 + i * 7 + rng.randint(0, 6), team_name=name,
                           submitted=start + timedelta(seconds=rng.randint(0, span)),
                           score=round(rng.gauss(center, spread), decimals))
            for i, name in enumerate(names)]
    rows.sort(key=lambda r: r.score, reverse=higher)
    return rows


def _topics(rng: random.Random, titles: list[str], start: datetime) -> list[Topic]:
    out = []
    for i, title in enumerate(titles):
        posted = start + timedelta(hours=rng.randint(1, 2000))
        out.append(Topic(id=400_000 + rng.randint(0, 99_999) * 10 + i, title=title,
                         author=rng.choice(list(USERS)), comments=rng.randint(0, 80),
                         votes=rng.randint(0, 300), posted=posted,
                         last_comment=posted + timedelta(hours=rng.randint(0, 500)), sticky=i == 0,
                         body=f"{title}\n\nSharing what worked for me, feedback welcome."))
    out.sort(key=lambda t: (not t.sticky, -t.votes))
    return out


def build_competitions(world: World, rng: random.Random, big_csv_rows: int) -> None:
    now = SEED_NOW
    far = datetime(2030, 1, 1, tzinfo=UTC)

    files, solution = titanic_files(rng)
    titanic = Competition(
        slug="titanic", id=3136, title="Titanic - Machine Learning from Disaster",
        subtitle="Start here! Predict survival on the Titanic and get familiar with ML basics",
        category="Getting Started", host_segment="HOST_SEGMENT_GETTING_STARTED", reward="Knowledge",
        organization="Kaggle", enabled=datetime(2012, 9, 28, tzinfo=UTC), deadline=far,
        metric="Categorization Accuracy", higher_is_better=True, team_count=15_873, kernel_count=41_210,
        max_daily_submissions=10, max_team_size=1, awards_points=False, tags=["binary classification", "tabular"],
        solution=solution, submission_columns=["PassengerId", "Survived"])
    titanic.files = _files(world, "titanic", files, EPOCH, {
        "train.csv": "Training set with the ground truth (Survived)",
        "test.csv": "Test set: predict Survived for these passengers",
        "gender_submission.csv": "Example submission: all and only female passengers survive"})
    titanic.entrants.add(SANDBOX_USER)

    retail = Competition(
        slug="retail-demand-forecast", id=71_001, title="Retail Demand Forecast",
        subtitle="Forecast daily unit sales for thousands of items across 50 stores",
        category="Featured", host_segment="HOST_SEGMENT_FEATURED", reward="25,000 Usd",
        organization="Sandbox Retail Co.", enabled=now - timedelta(days=40),
        deadline=datetime(2031, 3, 31, 23, 59, tzinfo=UTC),
        metric="Root Mean Squared Logarithmic Error", higher_is_better=False, team_count=1_204,
        kernel_count=388, max_daily_submissions=5, max_team_size=5, tags=["time series", "tabular", "retail"],
        submission_columns=["id", "unit_sales"])
    retail.files = _files(world, "retail", retail_small_files(rng), EPOCH)
    big = FixedWidthCsvBlob(f"retail-train-{world.seed}", RETAIL_HEADER, big_csv_rows,
                            retail_rows_factory(world.seed), EPOCH)
    world.register_blob(big, "retail-train.csv")
    retail.files = {"train.csv": DataFile("train.csv", big, "Daily unit sales, 2021 onwards (generated, streamed)",
                                          EPOCH), **retail.files}

    mfiles, msolution = math_files(rng)
    math = Competition(
        slug="ai-math-olympiad-sandbox", id=71_002, title="AI Mathematical Olympiad (Sandbox)",
        subtitle="Solve olympiad problems with notebooks that run without internet",
        category="Featured", host_segment="HOST_SEGMENT_FEATURED", reward="100,000 Usd",
        organization="Sandbox Maths Fund", enabled=now - timedelta(days=90),
        deadline=datetime(2031, 6, 30, 23, 59, tzinfo=UTC),
        metric="Accuracy", higher_is_better=True, team_count=2_310, kernel_count=940,
        max_daily_submissions=1, max_team_size=5, kernels_only=True, tags=["mathematics", "nlp", "code competition"],
        solution=msolution, submission_columns=["id", "answer"])
    math.files = _files(world, "aimo", mfiles, EPOCH)
    math.entrants.add(SANDBOX_USER)

    hfiles, hsolution = house_files(rng)
    house = Competition(
        slug="house-prices-2019", id=5407, title="House Prices 2019: Advanced Regression",
        subtitle="Predict sales prices and practice feature engineering (ended)",
        category="Playground", host_segment="HOST_SEGMENT_PLAYGROUND", reward="Swag",
        organization="Kaggle", enabled=datetime(2019, 1, 10, tzinfo=UTC),
        deadline=datetime(2019, 12, 31, 23, 59, tzinfo=UTC),
        metric="Root Mean Squared Error", higher_is_better=False, team_count=4_512, kernel_count=2_004,
        max_daily_submissions=5, max_team_size=3, submissions_disabled=True, tags=["regression", "tabular"],
        solution=hsolution, submission_columns=["Id", "SalePrice"])
    house.files = _files(world, "house", hfiles, datetime(2019, 1, 10, tzinfo=UTC))

    specs = [(titanic, 0.77, 0.03, 5), (retail, 0.52, 0.06, 5), (math, 0.45, 0.12, 3), (house, 0.135, 0.02, 5)]
    for comp, center, spread, decimals in specs:
        end = min(now, comp.deadline)
        comp.leaderboard = _leaderboard(rng, rng.randint(120, 260), center, spread, comp.higher_is_better,
                                        max(comp.enabled, end - timedelta(days=300)), end, decimals)
        comp.pages = pages.competition_pages(comp)
        comp.topics = _topics(rng, pages.topic_titles(comp.slug), comp.enabled)
        world.competitions[comp.slug] = comp


def build_datasets(world: World, rng: random.Random) -> None:
    meta = {
        "alice/titanic-extra-features": ("Titanic Extra Features", "Engineered deck and family features for Titanic",
                                         ["tabular", "beginner"], 412, 0.88),
        "bob/retail-holidays": ("Retail Holidays and Events", "Holiday calendar to join with retail sales data",
                                ["time series", "retail"], 57, 0.71),
        "carol/olympiad-problem-bank": ("Olympiad Problem Bank", "Two hundred small arithmetic problems as JSON Lines",
                                        ["mathematics", "nlp"], 133, 0.94),
    }
    for ref, files in dataset_files(rng).items():
        owner, slug = ref.split("/")
        title, subtitle, keywords, votes, usability = meta[ref]
        created = EPOCH + timedelta(days=rng.randint(0, 120))
        version = DatasetVersion(1, created, owner, "Initial release",
                                 _files(world, f"ds-{owner}-{slug}", files, created))
        world.datasets[ref] = Dataset(owner, slug, world.next_id(), title, subtitle,
                                      f"# {title}\n\n{subtitle}. Generated for the Kaggle sandbox.",
                                      "CC0-1.0", False, keywords, [version], votes=votes,
                                      downloads=votes * 9, views=votes * 40, usability=usability)
    # A 1 GiB file that costs nothing to store: for download throughput benchmarks.
    row = b"".join(f"{i:07d},{(i * 7919) % 100000:05d},sandbox-synthetic-row\n".encode() for i in range(25_000))
    big = RepeatBlob("synthetic-1gib", row, 1 << 30, last_modified=EPOCH)
    world.register_blob(big, "synthetic-1gib.csv")
    world.datasets["kaggle-sandbox/synthetic-1gib"] = Dataset(
        "kaggle-sandbox", "synthetic-1gib", world.next_id(), "Synthetic 1 GiB",
        "A generated 1 GiB CSV for transfer benchmarks", "Streamed by the sandbox, never stored.",
        "CC0-1.0", False, ["benchmark"],
        [DatasetVersion(1, EPOCH, "kaggle-sandbox", "Initial release",
                        {"synthetic_1gib.csv": DataFile("synthetic_1gib.csv", big, "", EPOCH)})],
        votes=3, downloads=10, views=50, usability=0.5)


def build_world(seed: int = 0, hostile: bool = False, big_csv_rows: int = 1_300_000) -> World:
    world = World(seed=seed, hostile=hostile)
    world.users.update(USERS)
    rng = random.Random(seed)
    build_competitions(world, rng, big_csv_rows)
    build_datasets(world, random.Random(seed + 1))
    from kaggle_mcp.sandbox.kernels_seed import load_seed_kernels

    load_seed_kernels(world, random.Random(seed + 2))
    from kaggle_mcp.sandbox.seed_formats import build_formats_dataset
    from kaggle_mcp.sandbox.seed_forums import build_forums
    from kaggle_mcp.sandbox.seed_models import build_models

    build_models(world, random.Random(seed + 3), EPOCH)
    build_formats_dataset(world, random.Random(seed + 5), EPOCH + timedelta(days=150))
    build_forums(world, random.Random(seed + 4), EPOCH)
    from kaggle_mcp.sandbox.users import seed_private_work

    seed_private_work(world)  # last: the ids handed out before it stay what they were
    if hostile:
        from kaggle_mcp.sandbox.hostile import add_hostile_entities
        from kaggle_mcp.sandbox.hostile_content import add_hostile_content

        add_hostile_entities(world)
        add_hostile_content(world)
    return world
