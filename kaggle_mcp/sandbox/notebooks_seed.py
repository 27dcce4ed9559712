"""The sandbox's public notebooks and scripts: what an agent finds when it lists a competition's code.

Their variety is the point (markdown and code, PNG charts, thousands of lines of training log,
ipywidgets state, a notebook over 1 MB, an R notebook and an R script, stdlib-only scripts that really
run here): the notebook reader, the context engine's budgets and the CLI's pull/output paths all meet
the shapes they meet on Kaggle. Everything is generated from the caller's ``random.Random``, so one
seed gives the same bytes every time, and nothing third-party is stored in the repository.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from kaggle_mcp.sandbox import seed_competitions as comp
from kaggle_mcp.sandbox import seed_titanic as titanic
from kaggle_mcp.sandbox.seed_notebook import kaggle_metadata, script_log

# Seeded kernels whose code needs nothing beyond the standard library: pulled and pushed back, they
# really run on the sandbox (its tests check that they do, against the generated competition data).
RUNNABLE_HERE = frozenset({
    "sandbox-user/titanic-gender-class-baseline", "sandbox-user/titanic-starter-notebook",
    "sandbox-user/aimo-sandbox-starter", "dmitri/retail-store-means-baseline", "erin/house-prices-linear-baseline",
    "carol/olympiad-problem-bank-stats",
})

_LAST_RUN_END = datetime(2026, 10, 31, 18, 0, tzinfo=timezone.utc)
_TWO_YEARS_S = 730 * 86400


@dataclass
class SeedKernel:
    """One seeded notebook or script plus its last run (outputs and log), as the world loads it."""

    owner: str
    slug: str
    title: str
    language: str  # "python" | "r"
    kernel_type: str  # "notebook" | "script"
    source: str  # full .ipynb JSON text for notebooks, script text for scripts
    competition: str | None
    dataset_sources: list[str]
    total_votes: int
    last_run_time: datetime
    score: float | None
    enable_gpu: bool
    output_files: dict[str, bytes] = field(default_factory=dict)
    log: str = "[]"  # JSON array string, Kaggle's session-log format

    @property
    def ref(self) -> str:
        return f"{self.owner}/{self.slug}"


# (rng, last run time, metadata.kaggle block or None) -> (source, session log)
Builder = Callable[[random.Random, datetime, dict | None], tuple[str, str]]


@dataclass(frozen=True)
class _Spec:
    ref: str
    title: str
    kind: str  # "notebook" | "script"
    language: str
    competition: str | None
    build: Builder
    votes: int
    score: float | None = None
    datasets: tuple[str, ...] = ()
    gpu: bool = False
    outputs: Callable[[random.Random], dict[str, bytes]] | None = None
    kaggle_meta: bool = True  # False: an older notebook saved without ``metadata.kaggle``


def _script(text: str, stdout: Callable[[random.Random], str], stderr: str = "") -> Builder:
    """A script builder: fixed text, log from what a run printed."""
    return lambda rng, _when, _meta: (text, script_log(rng, stdout(rng), stderr))


def _csv(header: str, rows: list[str]) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def _titanic_sub(rng: random.Random) -> dict[str, bytes]:
    return {"submission.csv": titanic.submission_csv(rng)}


def _retail_sub(rng: random.Random) -> dict[str, bytes]:
    return {"submission.csv": _csv("id,unit_sales", [f"{900000000 + i},{rng.uniform(0, 2500):.2f}" for i in range(5000)])}


def _house_sub(rng: random.Random) -> dict[str, bytes]:
    return {"submission.csv": _csv("Id,SalePrice", [f"{i},{rng.uniform(60000, 420000):.2f}" for i in range(1461, 2920)])}


def _aimo_sub(rng: random.Random) -> dict[str, bytes]:
    return {"submission.csv": _csv("id,answer", [f"p{i:03d},{rng.randint(0, 999)}" for i in range(3)])}


def _with(extra: Callable[[random.Random], dict[str, bytes]],
          base: Callable[[random.Random], dict[str, bytes]]) -> Callable[[random.Random], dict[str, bytes]]:
    return lambda rng: {**base(rng), **extra(rng)}


_RF_SCRIPT = """import numpy as np
import pandas as pd
from sklearn.ensemble import RandomForestClassifier

train_data = pd.read_csv("/kaggle/input/titanic/train.csv")
test_data = pd.read_csv("/kaggle/input/titanic/test.csv")

women = train_data.loc[train_data.Sex == 'female']["Survived"]
print("% of women who survived:", sum(women) / len(women))
men = train_data.loc[train_data.Sex == 'male']["Survived"]
print("% of men who survived:", sum(men) / len(men))

y = train_data["Survived"]
features = ["Pclass", "Sex", "SibSp", "Parch"]
X = pd.get_dummies(train_data[features])
X_test = pd.get_dummies(test_data[features])

model = RandomForestClassifier(n_estimators=100, max_depth=5, random_state=1)
model.fit(X, y)
predictions = model.predict(X_test)

output = pd.DataFrame({'PassengerId': test_data.PassengerId, 'Survived': predictions})
output.to_csv('submission.csv', index=False)
print("Your submission was successfully saved!")
"""

_FEATURE_EXPLORER = """# Exploring alice/titanic-extra-features
import pandas as pd

decks = pd.read_csv('/kaggle/input/titanic-extra-features/cabin_decks.csv')
families = pd.read_csv('/kaggle/input/titanic-extra-features/family_features.csv')
print(decks.sort_values('survival_rate', ascending=False).to_string(index=False))
print(families['family_kind'].value_counts())
families.groupby('family_kind')['family_size'].describe().to_csv('family_summary.csv')
"""

_PROBLEM_BANK = """import json
from collections import Counter

with open('/kaggle/input/olympiad-problem-bank/problems.jsonl') as fh:
    problems = [json.loads(line) for line in fh]
print(len(problems), 'problems')
print(Counter(p['answer'] for p in problems).most_common(7))
"""


def _specs() -> list[_Spec]:
    t, r, h, a = "titanic", "retail-demand-forecast", "house-prices-2019", "ai-math-olympiad-sandbox"
    extra = ("alice/titanic-extra-features",)
    return [
        _Spec("alice/titanic-eda-and-first-baseline", "Titanic: EDA and a First Baseline", "notebook", "python", t,
              titanic.eda_and_baseline, 1480, 0.77511, outputs=_titanic_sub),
        _Spec("carol/titanic-visual-deep-dive", "Titanic Visual Deep Dive", "notebook", "python", t,
              lambda rng, when, meta: titanic.eda_and_baseline(rng, when, meta, big=True), 820, 0.76794,
              outputs=_titanic_sub, kaggle_meta=False),
        _Spec("alice/titanic-ensembling-stacking", "Titanic Ensembling & Stacking (0.794)", "notebook", "python", t,
              titanic.ensemble_stacking, 2150, 0.79425, extra, outputs=_titanic_sub),
        _Spec("dmitri/titanic-extra-features-lightgbm", "Extra Features + LightGBM", "notebook", "python", t,
              titanic.extra_features_widgets, 310, 0.78947, extra,
              outputs=_with(lambda rng: {"oof_predictions.csv": _csv("PassengerId,oof", [
                  f"{i},{rng.random():.5f}" for i in range(1, 892)])}, _titanic_sub)),
        _Spec("sandbox-user/titanic-gender-class-baseline", "Titanic Gender + Class Baseline", "script", "python", t,
              lambda rng, _w, _m: (titanic.GENDER_BASELINE, titanic.gender_baseline_log(rng)), 12, 0.76555,
              outputs=_titanic_sub),
        _Spec("sandbox-user/titanic-starter-notebook", "Titanic Starter Notebook (no pandas)", "notebook", "python", t,
              titanic.starter_notebook, 7, 0.76555, outputs=_titanic_sub),
        _Spec("erin/titanic-tidyverse-random-forest", "Titanic in R: tidyverse + randomForest", "notebook", "r", t,
              comp.titanic_r_notebook, 265, 0.7799, outputs=_titanic_sub),
        _Spec("bob/titanic-random-forest-script", "Titanic Random Forest (script)", "script", "python", t,
              _script(_RF_SCRIPT, lambda rng: "% of women who survived: 0.7420382165605095\n"
                      "% of men who survived: 0.18890814558058924\nYour submission was successfully saved!\n"),
              540, 0.77751, outputs=_titanic_sub),
        _Spec("alice/titanic-extra-features-explorer", "Exploring the Titanic Extra Features", "script", "python", None,
              _script(_FEATURE_EXPLORER, lambda rng: "".join(
                  f"   {d}  {rng.randint(1, 40):>6}  {rng.uniform(0.2, 0.8):.3f}\n" for d in "ABCDEFG")
                      + "family_kind\nalone    790\nsmall    402\nlarge    117\nName: count, dtype: int64\n"),
              95, None, extra, outputs=lambda rng: {"family_summary.csv": b"family_kind,count,mean\nalone,790,1.0\n"
                                                    b"large,117,6.4\nsmall,402,2.8\n"}),
        _Spec("bob/retail-demand-lightgbm-baseline", "Retail Demand: LightGBM Baseline", "notebook", "python", r,
              comp.retail_lightgbm, 730, 0.51234, ("bob/retail-holidays",), gpu=True,
              outputs=_with(lambda rng: {"lgbm_model.txt": b"tree\nversion=v4\nnum_class=1\nnum_tree_per_iteration=1\n"
                                         b"objective=regression\n"}, _retail_sub)),
        _Spec("carol/retail-seasonality-eda", "Seasonality in Store Sales (EDA)", "notebook", "python", r,
              comp.retail_seasonality, 415),
        _Spec("dmitri/retail-store-means-baseline", "Store Means Baseline (stdlib only)", "script", "python", r,
              _script(comp.RETAIL_STORE_MEANS, lambda rng: f"read 1192320 rows up to 2022-08-18\n50 stores, overall mean "
                      f"{rng.uniform(1240, 1260):.2f}\nsubmission.csv written\n"), 58, 0.70321, outputs=_retail_sub),
        _Spec("alice/aimo-self-consistency-baseline", "AIMO Sandbox: Self-Consistency Baseline", "notebook", "python", a,
              comp.aimo_llm_baseline, 960, 2.0, gpu=True, outputs=_aimo_sub),
        _Spec("sandbox-user/aimo-sandbox-starter", "AIMO Sandbox Starter", "script", "python", a,
              _script(comp.AIMO_STARTER, lambda rng: "".join(f"p{i:03d}: {rng.randint(0, 999)}\n" for i in range(3))),
              4, 3.0, outputs=_aimo_sub),
        _Spec("carol/olympiad-problem-bank-stats", "Olympiad Problem Bank: Quick Stats", "script", "python", a,
              _script(_PROBLEM_BANK, lambda rng: "200 problems\n[(0, 58), (4, 29), (3, 29), (6, 28), (1, 28), "
                      "(5, 28), (2, 0)]\n"), 37, None, ("carol/olympiad-problem-bank",)),
        _Spec("carol/house-prices-stacked-regressions", "Stacked Regressions: Top 4% on LB", "notebook", "python", h,
              comp.house_stacking, 3120, 0.1142, outputs=_house_sub),
        _Spec("bob/house-prices-xgboost-in-r", "House Prices: xgboost in R", "script", "r", h,
              lambda rng, _w, _m: (comp.HOUSE_XGB_R, comp.house_xgb_r_log(rng)), 188, 0.1231, outputs=_house_sub),
        _Spec("erin/house-prices-linear-baseline", "House Prices: Two-Feature Linear Baseline", "script", "python", h,
              _script(comp.HOUSE_LINEAR, lambda rng: f"coefficients: [{rng.uniform(7, 8):.4f}, 0.1671, 0.5402]\n"
                      f"train RMSE of log price: {rng.uniform(0.15, 0.2):.4f}\n"), 71, 0.1672, outputs=_house_sub),
    ]


def seed_kernels(rng: random.Random) -> list[SeedKernel]:
    """The seeded kernels, each with the outputs and log of its last run, deterministic in ``rng``."""
    kernels = []
    for spec in _specs():
        owner, slug = spec.ref.split("/")
        when = _LAST_RUN_END - timedelta(seconds=rng.randrange(_TWO_YEARS_S))
        meta = None
        if spec.kind == "notebook" and spec.language == "python" and spec.kaggle_meta:
            meta = kaggle_metadata(rng, spec.competition, spec.datasets, spec.gpu)
        source, log = spec.build(rng, when, meta)
        kernels.append(SeedKernel(
            owner=owner, slug=slug, title=spec.title, language=spec.language, kernel_type=spec.kind,
            source=source, competition=spec.competition, dataset_sources=list(spec.datasets),
            total_votes=max(1, int(spec.votes * rng.uniform(0.9, 1.1))), last_run_time=when,
            score=spec.score, enable_gpu=spec.gpu, output_files=spec.outputs(rng) if spec.outputs else {}, log=log,
        ))
    return kernels
