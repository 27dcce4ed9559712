"""Seeded notebooks and scripts for the other competitions (retail, maths olympiad, house prices) and R.

The stdlib-only scripts here match the files the sandbox generates (``seed_data``) so an agent can
pull one, push it back and watch it really run; the rest are shown, not executed.
"""

from __future__ import annotations

import random
from datetime import datetime

from kaggle_mcp.sandbox import seed_media as media
from kaggle_mcp.sandbox.seed_notebook import NotebookBuilder, script_log


def retail_lightgbm(rng: random.Random, when: datetime, kaggle: dict | None = None) -> tuple[str, str]:
    """A LightGBM notebook whose training log runs to thousands of lines, with a tqdm widget."""
    nb = NotebookBuilder(rng, when, kaggle=kaggle)
    nb.md("# Retail demand: LightGBM baseline\n\nLag features per store/item, a time-based split, "
          "and a LightGBM regressor on `log1p(unit_sales)`.\n\n> The train file is > 50 MB: we read only "
          "the columns we need with explicit dtypes.")
    nb.code("import numpy as np\nimport pandas as pd\nimport lightgbm as lgb\nfrom tqdm.auto import tqdm\n\n"
            "dtypes = {'store_nbr': 'int8', 'item_nbr': 'int32', 'onpromotion': 'int8', 'unit_sales': 'float32'}\n"
            "train = pd.read_csv('/kaggle/input/retail-demand-forecast/train.csv', dtype=dtypes, parse_dates=['date'])\n"
            "stores = pd.read_csv('/kaggle/input/retail-demand-forecast/stores.csv')\n"
            "holidays = pd.read_csv('/kaggle/input/retail-holidays/holidays_events.csv', parse_dates=['date'])\n"
            "train.shape", nb.result("(1192320, 6)"), seconds=41.0)
    nb.code("for lag in tqdm([7, 14, 28, 56, 91, 182, 364], desc='lags'):\n"
            "    train[f'lag_{lag}'] = train.groupby(['store_nbr', 'item_nbr'])['unit_sales'].shift(lag)",
            nb.progress(7, "lags"), seconds=63.0)
    lines = []
    for step in range(1, 3001):
        train_rmse = 1.9 * (0.9993 ** step) + 0.41 + rng.uniform(-0.003, 0.003)
        lines.append(f"[{step}]\ttraining's rmse: {train_rmse:.6f}\tvalid_1's rmse: {train_rmse + 0.07:.6f}")
    nb.code("params = {'objective': 'regression', 'learning_rate': 0.02, 'num_leaves': 127, 'feature_fraction': 0.8,\n"
            "          'bagging_fraction': 0.7, 'bagging_freq': 1, 'metric': 'rmse', 'verbose': -1}\n"
            "model = lgb.train(params, dtrain, num_boost_round=3000, valid_sets=[dtrain, dvalid],\n"
            "                  callbacks=[lgb.log_evaluation(1)])",
            nb.stream("\n".join(lines) + "\n"), seconds=1750.0)
    nb.code("imp = pd.Series(model.feature_importance('gain'), index=model.feature_name()).sort_values()\n"
            "imp.tail(15).plot.barh(figsize=(8, 6))",
            nb.result("<Axes: >"), nb.image(media.bar_chart([rng.uniform(1, 100) for _ in range(15)])))
    rows = _retail_rows(rng)
    nb.code("test = pd.read_csv('/kaggle/input/retail-demand-forecast/test.csv')\n"
            "sub = pd.DataFrame({'id': test['id'], 'unit_sales': np.expm1(model.predict(X_test)).clip(0)})\n"
            "sub.to_csv('submission.csv', index=False)\nsub.head()",
            nb.result(media.dataframe_text(["id", "unit_sales"], rows), media.dataframe_html(["id", "unit_sales"], rows)))
    return nb.build(), nb.log.json()


def retail_seasonality(rng: random.Random, when: datetime, kaggle: dict | None = None) -> tuple[str, str]:
    nb = NotebookBuilder(rng, when, kaggle=kaggle)
    nb.md("# Seasonality in store sales\n\nWeekly and yearly patterns, promotions and holidays.")
    nb.code("import pandas as pd\nimport matplotlib.pyplot as plt\n"
            "daily = pd.read_csv('/kaggle/input/retail-demand-forecast/train.csv', usecols=['date', 'unit_sales'],\n"
            "                    parse_dates=['date']).groupby('date')['unit_sales'].sum()\n"
            "daily.plot(figsize=(14, 4), title='Total unit sales per day')",
            nb.result("<Axes: title={'center': 'Total unit sales per day'}, xlabel='date'>"),
            nb.image(media.line_chart([[100 + 30 * ((d % 7) > 4) + d * 0.05 + rng.gauss(0, 6) for d in range(400)]])))
    nb.md("Weekends sell about **30% more**; the trend is slowly rising. Interactive version:")
    weeks = [f"2022-{1 + w // 5:02d}-{1 + (w % 5) * 6:02d}" for w in range(52)]
    figure = {"data": [{"type": "scatter", "mode": "lines", "name": f"store {s}", "x": weeks,
                        "y": [round(900 + 300 * rng.random() + 4 * w, 1) for w in range(52)]} for s in (1, 2, 3)],
              "layout": {"title": {"text": "Weekly sales, top 3 stores"}, "template": {"data": {}}}}
    nb.code("import plotly.express as px\nweekly = train[train.store_nbr <= 3].groupby(['store_nbr', pd.Grouper(key='date', "
            "freq='W')])['unit_sales'].sum().reset_index()\npx.line(weekly, x='date', y='unit_sales', color='store_nbr', "
            "title='Weekly sales, top 3 stores').show()", nb.plotly(figure, rng.randbytes(16).hex()))
    nb.code("daily.groupby(daily.index.dayofweek).mean().plot.bar()",
            nb.result("<Axes: xlabel='date'>"), nb.image(media.bar_chart([100, 98, 101, 103, 112, 131, 128])))
    nb.code("promo = train.groupby('onpromotion')['unit_sales'].describe()\npromo",
            nb.result(media.dataframe_text(["count", "mean", "std"], [[1100322.0, 1249.7, 721.9], [91998.0, 1262.1, 720.4]]),
                      media.dataframe_html(["count", "mean", "std"], [[1100322.0, 1249.7, 721.9], [91998.0, 1262.1, 720.4]],
                                           index=[0, 1])))
    return nb.build(), nb.log.json()


def _retail_rows(rng: random.Random) -> list[list[object]]:
    return [[900000000 + i, round(rng.uniform(0, 40), 6)] for i in range(5)]


RETAIL_STORE_MEANS = '''"""Retail demand baseline: each store's mean unit_sales over the last 28 days (stdlib only)."""
import csv
from collections import defaultdict
from datetime import date, timedelta

DATA = "/kaggle/input/retail-demand-forecast"

rows = 0
last_day = None
recent = defaultdict(lambda: [0.0, 0])
with open(f"{DATA}/train.csv", newline="") as fh:
    for row in csv.DictReader(fh):  # the file is sorted by date: keep a sliding window of 28 days
        rows += 1
        day = date.fromisoformat(row["date"])
        if last_day is None or day > last_day:
            last_day = day
        if day > last_day - timedelta(days=28):
            acc = recent[(day, row["store_nbr"])]
            acc[0] += float(row["unit_sales"])
            acc[1] += 1
print(f"read {rows} rows up to {last_day}")

per_store = defaultdict(lambda: [0.0, 0])
for (day, store), (total, count) in recent.items():
    if day > last_day - timedelta(days=28):
        per_store[int(store)][0] += total
        per_store[int(store)][1] += count
means = {store: total / count for store, (total, count) in per_store.items()}
print(f"{len(means)} stores, overall mean {sum(means.values()) / max(1, len(means)):.2f}")

with open(f"{DATA}/test.csv", newline="") as fh, open("/kaggle/working/submission.csv", "w", newline="") as out:
    writer = csv.writer(out)
    writer.writerow(["id", "unit_sales"])
    for row in csv.DictReader(fh):
        writer.writerow([row["id"], round(means.get(int(row["store_nbr"]), 0.0), 2)])
print("submission.csv written")
'''


AIMO_STARTER = '''"""AIMO sandbox starter: parse each problem and compute the answer exactly (no model needed)."""
import csv
import re

PATTERN = re.compile(r"\\$(\\d+)\\^\\{(\\d+)\\}\\$ is divided by \\$(\\d+)\\$")


def solve(problem: str) -> int:
    match = PATTERN.search(problem)
    if match is None:
        return 0  # unknown problem type: a safe default answer
    base, exponent, modulus = map(int, match.groups())
    return pow(base, exponent, modulus)


with open("/kaggle/input/ai-math-olympiad-sandbox/test.csv", newline="") as fh:
    problems = list(csv.DictReader(fh))
with open("submission.csv", "w", newline="") as fh:
    writer = csv.writer(fh)
    writer.writerow(["id", "answer"])
    for row in problems:
        answer = solve(row["problem"])
        print(f"{row['id']}: {answer}")
        writer.writerow([row["id"], answer])
'''


def aimo_llm_baseline(rng: random.Random, when: datetime, kaggle: dict | None = None) -> tuple[str, str]:
    """A GPU notebook for the code competition: model loading, sampling, majority vote."""
    nb = NotebookBuilder(rng, when, compact=True, kaggle=kaggle)
    nb.md("# AIMO sandbox: self-consistency baseline\n\nSample 16 chains of thought per problem, extract the "
          "integer in `\\boxed{}` and take the majority vote. Needs a **GPU T4 x2** accelerator.")
    nb.code("!pip install -q --no-index --find-links=/kaggle/input/vllm-wheels vllm",
            nb.stream("\x1b[33mWARNING: Running pip as the 'root' user can result in broken permissions.\x1b[0m\n",
                      "stderr"), seconds=95.0)
    nb.code("import re, collections\nimport pandas as pd\nfrom vllm import LLM, SamplingParams\n\n"
            "llm = LLM('/kaggle/input/deepseek-math/7b-rl', dtype='half', tensor_parallel_size=2, max_model_len=4096)",
            nb.stream("INFO 11-02 10:14:07 llm_engine.py:72] Initializing an LLM engine with config: "
                      "model='/kaggle/input/deepseek-math/7b-rl', dtype=torch.float16, tensor_parallel_size=2\n"
                      "INFO 11-02 10:15:31 model_runner.py:547] Loading model weights took 6.4 GB\n", "stderr"),
            seconds=210.0)
    nb.code("def majority_answer(outputs):\n    votes = collections.Counter()\n    for out in outputs:\n"
            "        m = re.findall(r'\\\\boxed\\{(\\d+)\\}', out.text)\n        if m:\n"
            "            votes[int(m[-1]) % 1000] += 1\n    return votes.most_common(1)[0][0] if votes else 0")
    rows = "".join(f"p{i:03d}: answer={rng.randint(0, 999)} votes={rng.randint(5, 16)}/16\n" for i in range(3))
    nb.code("test = pd.read_csv('/kaggle/input/ai-math-olympiad-sandbox/test.csv')\n"
            "params = SamplingParams(n=16, temperature=0.7, max_tokens=2048)\nanswers = []\n"
            "for pid, problem in zip(test.id, test.problem):\n"
            "    outputs = llm.generate([PROMPT.format(problem)], params)[0].outputs\n"
            "    answers.append(majority_answer(outputs))\n    print(f'{pid}: answer={answers[-1]}')\n"
            "pd.DataFrame({'id': test.id, 'answer': answers}).to_csv('submission.csv', index=False)",
            nb.stream(rows), seconds=380.0)
    return nb.build(), nb.log.json()


def house_stacking(rng: random.Random, when: datetime, kaggle: dict | None = None) -> tuple[str, str]:
    nb = NotebookBuilder(rng, when, kaggle=kaggle)
    nb.md("# House prices: stacked regressions\n\n* log-transform the target\n* impute and encode\n"
          "* average ENet, KRR, GBoost and LightGBM, then stack")
    nb.code("train = pd.read_csv('../input/house-prices-2019/train.csv')\n"
            "test = pd.read_csv('../input/house-prices-2019/test.csv')\n"
            "train.head()", nb.result(*_house_head(rng)))
    nb.code("fig, ax = plt.subplots()\nax.scatter(x=train['GrLivArea'], y=train['SalePrice'])\n"
            "plt.ylabel('SalePrice', fontsize=13)\nplt.xlabel('GrLivArea', fontsize=13)\nplt.show()",
            nb.image(media.scatter(rng), "<Figure size 640x480 with 1 Axes>"))
    nb.md("Two huge houses sold for very little: classic outliers, we drop them.")
    nb.code("train = train.drop(train[(train['GrLivArea'] > 4000) & (train['SalePrice'] < 300000)].index)\n"
            "train['SalePrice'] = np.log1p(train['SalePrice'])\nsns.histplot(train['SalePrice'], kde=True)",
            nb.result("<Axes: xlabel='SalePrice', ylabel='Count'>"), nb.image(media.histogram(rng, 12.0, 0.4)))
    scores = "".join(f"{m} score: {rng.uniform(0.108, 0.125):.4f} ({rng.uniform(0.006, 0.009):.4f})\n"
                     for m in ("Lasso", "ElasticNet", "Kernel Ridge", "Gradient Boosting", "Xgboost", "LGBM"))
    nb.code("for name, model in models.items():\n    score = rmsle_cv(model)\n"
            "    print(f'{name} score: {score.mean():.4f} ({score.std():.4f})')", nb.stream(scores), seconds=95.0)
    nb.code("stacked_averaged_models.fit(train.values, y_train)\n"
            "ensemble = stacked_pred*0.70 + xgb_pred*0.15 + lgb_pred*0.15\n"
            "sub = pd.DataFrame({'Id': test_ID, 'SalePrice': ensemble})\nsub.to_csv('submission.csv', index=False)")
    return nb.build(), nb.log.json()


def _house_head(rng: random.Random) -> tuple[str, str]:
    cols = ["Id", "MSSubClass", "LotArea", "Neighborhood", "OverallQual", "YearBuilt", "GrLivArea", "GarageCars", "SalePrice"]
    rows = [[i, rng.choice([20, 60]), rng.randint(1300, 20000), rng.choice(["NAmes", "CollgCr", "OldTown"]),
             rng.randint(4, 9), rng.randint(1900, 2008), rng.randint(800, 2500), rng.randint(0, 3),
             rng.randint(90000, 300000)] for i in range(1, 6)]
    return media.dataframe_text(cols, rows), media.dataframe_html(cols, rows)


HOUSE_LINEAR = '''"""House prices: least squares on log(price) with two features, standard library only."""
import csv
import math

DATA = "/kaggle/input/house-prices-2019"

with open(f"{DATA}/train.csv", newline="") as fh:
    train = list(csv.DictReader(fh))
xs = [(1.0, float(r["OverallQual"]), math.log(float(r["GrLivArea"]))) for r in train]
ys = [math.log(float(r["SalePrice"])) for r in train]

# normal equations (X'X) b = X'y for three coefficients, solved by Gaussian elimination
xtx = [[sum(x[i] * x[j] for x in xs) for j in range(3)] for i in range(3)]
xty = [sum(x[i] * y for x, y in zip(xs, ys)) for i in range(3)]
for col in range(3):
    pivot = xtx[col][col]
    for row in range(col + 1, 3):
        factor = xtx[row][col] / pivot
        xtx[row] = [a - factor * b for a, b in zip(xtx[row], xtx[col])]
        xty[row] -= factor * xty[col]
coef = [0.0, 0.0, 0.0]
for row in (2, 1, 0):
    coef[row] = (xty[row] - sum(xtx[row][k] * coef[k] for k in range(row + 1, 3))) / xtx[row][row]
rmse = math.sqrt(sum((sum(c * v for c, v in zip(coef, x)) - y) ** 2 for x, y in zip(xs, ys)) / len(ys))
print("coefficients:", [round(c, 4) for c in coef])
print(f"train RMSE of log price: {rmse:.4f}")

with open(f"{DATA}/test.csv", newline="") as fh, open("submission.csv", "w", newline="") as out:
    writer = csv.writer(out)
    writer.writerow(["Id", "SalePrice"])
    for r in csv.DictReader(fh):
        x = (1.0, float(r["OverallQual"]), math.log(float(r["GrLivArea"])))
        writer.writerow([r["Id"], round(math.exp(sum(c * v for c, v in zip(coef, x))), 2)])
'''


HOUSE_XGB_R = """# House prices with xgboost in R
library(data.table)
library(xgboost)

train <- fread("../input/house-prices-2019/train.csv")
test <- fread("../input/house-prices-2019/test.csv")
y <- log1p(train$SalePrice)
train[, SalePrice := NULL]

all <- rbind(train, test)
all[, Neighborhood := as.integer(factor(Neighborhood))]
features <- setdiff(names(all), "Id")
dtrain <- xgb.DMatrix(as.matrix(all[1:nrow(train), ..features]), label = y)
dtest <- xgb.DMatrix(as.matrix(all[(nrow(train) + 1):nrow(all), ..features]))

params <- list(objective = "reg:squarederror", eta = 0.03, max_depth = 4, subsample = 0.8, colsample_bytree = 0.7)
cv <- xgb.cv(params, dtrain, nrounds = 3000, nfold = 5, early_stopping_rounds = 100, print_every_n = 250)
model <- xgb.train(params, dtrain, nrounds = cv$best_iteration)
fwrite(data.table(Id = test$Id, SalePrice = expm1(predict(model, dtest))), "submission.csv")
cat("best iteration:", cv$best_iteration, "\\n")
"""


def house_xgb_r_log(rng: random.Random) -> str:
    lines = [f"[{i}]\ttrain-rmse:{11.0 * 0.97 ** i + 0.08:.6f}+0.0012\ttest-rmse:{11.0 * 0.97 ** i + 0.12:.6f}+0.0040\n"
             for i in (1, 251, 501, 751, 1001, 1251)]
    stderr = "Loading required package: methods\ndata.table 1.14.8 using 2 threads (see ?getDTthreads).\n"
    return script_log(rng, "".join(lines) + f"best iteration: {rng.randint(900, 1300)} \n", stderr)


def titanic_r_notebook(rng: random.Random, when: datetime, kaggle: dict | None = None) -> tuple[str, str]:
    """An IRkernel notebook (.irnb): R kernelspec, and the four-mime data.frame outputs R produces."""
    nb = NotebookBuilder(rng, when, language="r", kaggle_ids=False)
    nb.md("# Titanic with the tidyverse\n\nA compact R take: `dplyr` for features, `randomForest` for the model.")
    nb.code("library(tidyverse)\nlibrary(randomForest)\nlist.files(path = \"../input/titanic\")",
            nb.stream("── Attaching core tidyverse packages ──────────────────────── tidyverse 2.0.0 ──\n"
                      "✔ dplyr     1.1.2     ✔ readr     2.1.4\n✔ ggplot2   3.4.2     ✔ tibble    3.2.1\n", "stderr"),
            nb.display(text_html="<style>\n.list-inline {list-style: none; margin:0; padding: 0}\n</style>\n"
                                 "<ol class=list-inline><li>'gender_submission.csv'</li><li>'test.csv'</li>"
                                 "<li>'train.csv'</li></ol>\n",
                       text_markdown="1. 'gender_submission.csv'\n2. 'test.csv'\n3. 'train.csv'\n",
                       text_latex="\\begin{enumerate*}\n\\item 'gender\\_submission.csv'\n\\item 'test.csv'\n"
                                  "\\item 'train.csv'\n\\end{enumerate*}\n",
                       text_plain="[1] \"gender_submission.csv\" \"test.csv\"              \"train.csv\"            "))
    nb.code("train <- read_csv(\"../input/titanic/train.csv\", show_col_types = FALSE)\n"
            "train %>% group_by(Sex) %>% summarise(rate = mean(Survived))",
            nb.display(text_html="<table class=\"dataframe\">\n<caption>A tibble: 2 × 2</caption>\n<thead>\n"
                                 "\t<tr><th scope=col>Sex</th><th scope=col>rate</th></tr>\n\t<tr><th scope=col>&lt;chr&gt;</th>"
                                 "<th scope=col>&lt;dbl&gt;</th></tr>\n</thead>\n<tbody>\n"
                                 "\t<tr><td>female</td><td>0.7420382</td></tr>\n"
                                 "\t<tr><td>male  </td><td>0.1889081</td></tr>\n</tbody>\n</table>\n",
                       text_markdown="\nA tibble: 2 × 2\n\n| Sex &lt;chr&gt; | rate &lt;dbl&gt; |\n|---|---|\n"
                                     "| female | 0.7420382 |\n| male   | 0.1889081 |\n\n",
                       text_plain="  Sex    rate     \n1 female 0.7420382\n2 male   0.1889081"))
    nb.code("ggplot(train, aes(Age, fill = factor(Survived))) + geom_histogram(bins = 30)",
            nb.stream("Warning message:\n“Removed 177 rows containing non-finite values (`stat_bin()`).”\n", "stderr"),
            nb.image(media.histogram(rng, 30, 14), "plot without title"))
    nb.code("rf <- randomForest(factor(Survived) ~ Pclass + Sex + Age + Fare, data = na.roughfix(train), ntree = 500)\n"
            "print(rf)",
            nb.stream("\nCall:\n randomForest(formula = factor(Survived) ~ ., data = train, ntree = 500) \n"
                      "               Type of random forest: classification\n                     Number of trees: 500\n"
                      f"        OOB estimate of  error rate: {rng.uniform(16, 19):.2f}%\n"))
    nb.code("test <- read_csv(\"../input/titanic/test.csv\", show_col_types = FALSE)\n"
            "write_csv(tibble(PassengerId = test$PassengerId, Survived = predict(rf, na.roughfix(test))),\n"
            "          \"submission.csv\")")
    return nb.build(), nb.log.json()
