"""Seeded Titanic notebooks and scripts: the competition every agent demo starts with.

Written the way Kaggle users write them (pandas, seaborn, scikit-learn, ``/kaggle/input`` paths), with
outputs of a plausible last run. They are displayed and read, not executed, except the csv-only
scripts, which the sandbox can really run (its test machine has no pandas).
"""

from __future__ import annotations

import random
from datetime import datetime

from kaggle_mcp.sandbox import seed_media as media
from kaggle_mcp.sandbox.seed_notebook import NotebookBuilder, script_log

COLUMNS = ["PassengerId", "Survived", "Pclass", "Name", "Sex", "Age", "SibSp", "Parch", "Ticket", "Fare",
           "Cabin", "Embarked"]
_SURNAMES = ["Braund", "Cumings", "Heikkinen", "Futrelle", "Allen", "Moran", "McCarthy", "Palsson",
             "Johnson", "Nasser", "Sandstrom", "Bonnell", "Saundercock", "Andersson", "Vestrom", "Hewlett"]
_FIRST = {"male": ["Owen Harris", "William Henry", "James", "Timothy J", "Gosta Leonard", "Charles"],
          "female": ["Laina", "Jacques Heath (Lily May Peel)", "Hjalmar (Ellen Dorothy)", "Elizabeth",
                     "Marguerite Rut", "Anna"]}

STARTER_CELL = """# This Python 3 environment comes with many helpful analytics libraries installed
# It is defined by the kaggle/python Docker image: https://github.com/kaggle/docker-python
import numpy as np # linear algebra
import pandas as pd # data processing, CSV file I/O (e.g. pd.read_csv)

# Input data files are available in the read-only "../input/" directory
import os
for dirname, _, filenames in os.walk('/kaggle/input'):
    for filename in filenames:
        print(os.path.join(dirname, filename))

# You can write up to 20GB to the current directory (/kaggle/working/) that gets preserved as output
"""
STARTER_OUTPUT = ("/kaggle/input/titanic/train.csv\n/kaggle/input/titanic/test.csv\n"
                  "/kaggle/input/titanic/gender_submission.csv\n")


def passengers(rng: random.Random, n: int = 5, first_id: int = 1) -> list[list[object]]:
    """Plausible train.csv rows for ``df.head()`` tables."""
    rows = []
    for pid in range(first_id, first_id + n):
        sex = rng.choice(["male", "female"])
        title = "Mr." if sex == "male" else rng.choice(["Mrs.", "Miss."])
        pclass = rng.choice([1, 2, 3, 3, 3])
        age = None if rng.random() < 0.2 else float(rng.randint(1, 70))
        cabin = f"{rng.choice('ABCDE')}{rng.randint(2, 120)}" if pclass == 1 else None
        rows.append([pid, int(rng.random() < (0.74 if sex == "female" else 0.19)), pclass,
                     f"{rng.choice(_SURNAMES)}, {title} {rng.choice(_FIRST[sex])}", sex, age,
                     rng.choice([0, 0, 1, 2]), rng.choice([0, 0, 0, 1, 2]),
                     f"{rng.choice(['A/5', 'PC', 'STON/O2.', ''])} {rng.randint(1000, 400000)}".strip(),
                     round(rng.uniform(7.0, 90.0), 4), cabin, rng.choice("SSSCQ")])
    return rows


def head_outputs(rng: random.Random, columns=COLUMNS, rows=None) -> dict:
    rows = rows or passengers(rng)
    return NotebookBuilder.result(media.dataframe_text(columns, rows), media.dataframe_html(columns, rows))


def submission_csv(rng: random.Random) -> bytes:
    lines = ["PassengerId,Survived"] + [f"{pid},{int(rng.random() < 0.38)}" for pid in range(892, 1310)]
    return ("\n".join(lines) + "\n").encode()


def eda_and_baseline(rng: random.Random, when: datetime, kaggle: dict | None = None,
                     big: bool = False) -> tuple[str, str]:
    """A classic EDA notebook; ``big`` adds the image-heavy section that makes it pass 1 MB."""
    nb = NotebookBuilder(rng, when, kaggle=kaggle)
    nb.md("# Titanic: EDA and a first baseline\n\nA gentle walk through the data, a few plots, and a "
          "model that beats the gender baseline.\n\n**Contents**\n1. Load the data\n2. Explore\n"
          "3. Feature engineering\n4. Model and submission")
    nb.code(STARTER_CELL, nb.stream(STARTER_OUTPUT))
    nb.code("import matplotlib.pyplot as plt\nimport seaborn as sns\n%matplotlib inline\n"
            "sns.set_style('whitegrid')\nimport warnings\nwarnings.filterwarnings('ignore')")
    nb.md("## 1. Load the data")
    nb.code("train = pd.read_csv('/kaggle/input/titanic/train.csv')\n"
            "test = pd.read_csv('/kaggle/input/titanic/test.csv')\ntrain.head()", head_outputs(rng))
    nb.code("train.info()", nb.stream(_info_text()))
    nb.code("train.isnull().sum()", nb.result(
        "PassengerId      0\nSurvived         0\nPclass           0\nName             0\nSex              0\n"
        "Age            177\nSibSp            0\nParch            0\nTicket           0\nFare             0\n"
        "Cabin          687\nEmbarked         2\ndtype: int64"))
    nb.md("## 2. Explore\n\nWomen and first-class passengers survived far more often:")
    nb.code("train[['Sex', 'Survived']].groupby('Sex').mean()", nb.result(
        "        Survived\nSex             \nfemale  0.742038\nmale    0.188908",
        media.dataframe_html(["Survived"], [[0.742038], [0.188908]], index=["female", "male"])))
    nb.code("sns.countplot(data=train, x='Pclass', hue='Survived')\nplt.title('Survival by class')\nplt.show()",
            nb.image(media.bar_chart([80, 136, 97, 87, 372, 119], stacked=2)))
    nb.code("g = sns.FacetGrid(train, col='Survived')\ng.map(plt.hist, 'Age', bins=20)",
            nb.result("<seaborn.axisgrid.FacetGrid at 0x7f3c2a1b5e10>"),
            nb.image(media.histogram(rng, 29.7, 14.5), "<Figure size 600x300 with 2 Axes>"))
    nb.code("plt.figure(figsize=(10, 8))\nsns.heatmap(train.select_dtypes('number').corr(), annot=True, cmap='Blues')",
            nb.result("<Axes: >"), nb.image(media.heatmap(rng, 7)))
    if big:
        nb.md("### Every passenger group, one panel each\n\nThe panels below are rendered at full resolution "
              "so you can zoom in on the density of fares per deck.")
        for deck in "ABCDEF":
            nb.code(f"plot_deck_density(train, deck='{deck}', cmap='mako')",
                    nb.image(media.photo(rng, 300, 220), "<Figure size 1200x900 with 1 Axes>"))
    nb.md("## 3. Feature engineering")
    nb.code("for df in (train, test):\n"
            "    df['Title'] = df['Name'].str.extract(r' ([A-Za-z]+)\\.', expand=False)\n"
            "    df['Title'] = df['Title'].replace(['Lady', 'Countess', 'Capt', 'Col', 'Don', 'Dr', 'Major',"
            " 'Rev', 'Sir', 'Jonkheer', 'Dona'], 'Rare')\n"
            "    df['FamilySize'] = df['SibSp'] + df['Parch'] + 1\n"
            "    df['IsAlone'] = (df['FamilySize'] == 1).astype(int)\n"
            "    df['Age'] = df['Age'].fillna(df.groupby('Title')['Age'].transform('median'))\n"
            "    df['Fare'] = df['Fare'].fillna(df['Fare'].median())\n"
            "    df['Embarked'] = df['Embarked'].fillna('S')\n"
            "pd.crosstab(train['Title'], train['Sex'])",
            nb.result("Sex     female  male\nTitle              \nMaster       0    40\nMiss       182     0\n"
                      "Mr           0   517\nMrs        125     0\nRare         3    24"))
    nb.md("## 4. Model and submission")
    nb.code("from sklearn.ensemble import RandomForestClassifier\nfrom sklearn.model_selection import cross_val_score\n\n"
            "features = ['Pclass', 'Sex', 'Age', 'Fare', 'Title', 'FamilySize', 'IsAlone', 'Embarked']\n"
            "X = pd.get_dummies(train[features])\n"
            "X_test = pd.get_dummies(test[features]).reindex(columns=X.columns, fill_value=0)\n"
            "y = train['Survived']\n\nmodel = RandomForestClassifier(n_estimators=300, max_depth=6, random_state=1)\n"
            "scores = cross_val_score(model, X, y, cv=5)\nprint(f'CV accuracy: {scores.mean():.4f} +/- {scores.std():.4f}')",
            nb.stream(f"CV accuracy: {rng.uniform(0.82, 0.84):.4f} +/- {rng.uniform(0.01, 0.03):.4f}\n"), seconds=4.2)
    nb.code("model.fit(X, y)\noutput = pd.DataFrame({'PassengerId': test.PassengerId, 'Survived': model.predict(X_test)})\n"
            "output.to_csv('submission.csv', index=False)\nprint('Your submission was successfully saved!')",
            nb.stream("Your submission was successfully saved!\n"))
    return nb.build(), nb.log.json()


def ensemble_stacking(rng: random.Random, when: datetime, kaggle: dict | None = None) -> tuple[str, str]:
    """A stacking notebook whose grid search prints thousands of lines (the long-output case)."""
    nb = NotebookBuilder(rng, when, kaggle=kaggle)
    nb.md("# Titanic ensembling & stacking\n\nFive base learners, out-of-fold predictions, and an "
          "XGBoost meta-learner. The grid search output is long: scroll past it.")
    nb.code(STARTER_CELL, nb.stream(STARTER_OUTPUT))
    nb.code("from sklearn.ensemble import (RandomForestClassifier, AdaBoostClassifier, GradientBoostingClassifier,\n"
            "                              ExtraTreesClassifier)\nfrom sklearn.svm import SVC\n"
            "from sklearn.model_selection import KFold, GridSearchCV\nimport xgboost as xgb\n\n"
            "train = pd.read_csv('../input/titanic/train.csv')\ntest = pd.read_csv('../input/titanic/test.csv')\n"
            "extra = pd.read_csv('../input/titanic-extra-features/cabin_decks.csv')\n"
            "train['deck'] = train['Cabin'].str[0]\ntrain = train.merge(extra, on='deck', how='left')\ntrain.shape",
            nb.result("(891, 17)"))
    lines = []
    for i in range(2400):
        depth, est, lr = rng.choice([3, 4, 5, 6]), rng.choice([100, 200, 400]), rng.choice([0.01, 0.05, 0.1])
        lines.append(f"[CV {i % 5 + 1}/5] END learning_rate={lr}, max_depth={depth}, n_estimators={est};, "
                     f"score={rng.uniform(0.76, 0.86):.3f} total time=   {rng.uniform(0.1, 2.0):.1f}s")
    nb.code("params = {'max_depth': [3, 4, 5, 6], 'n_estimators': [100, 200, 400], 'learning_rate': [0.01, 0.05, 0.1]}\n"
            "search = GridSearchCV(GradientBoostingClassifier(), params, cv=5, verbose=3)\nsearch.fit(X, y)",
            nb.stream("Fitting 5 folds for each of 480 candidates, totalling 2400 fits\n" + "\n".join(lines) + "\n"),
            nb.result("GridSearchCV(cv=5, estimator=GradientBoostingClassifier(),\n"
                      "             param_grid={...}, verbose=3)"),
            seconds=611.0)
    nb.code("print(search.best_params_, round(search.best_score_, 4))",
            nb.stream(f"{{'learning_rate': 0.05, 'max_depth': 4, 'n_estimators': 200}} {rng.uniform(0.83, 0.85):.4f}\n"))
    nb.md("## Second level: XGBoost on out-of-fold predictions")
    nb.code("gbm = xgb.XGBClassifier(n_estimators=2000, max_depth=4, min_child_weight=2, gamma=0.9, subsample=0.8,\n"
            "                        colsample_bytree=0.8, objective='binary:logistic', nthread=-1)\n"
            "gbm.fit(x_train, y_train)\npredictions = gbm.predict(x_test)\n"
            "pd.DataFrame({'PassengerId': test['PassengerId'], 'Survived': predictions})\\\n"
            "    .to_csv('submission.csv', index=False)")
    return nb.build(), nb.log.json()


def extra_features_widgets(rng: random.Random, when: datetime, kaggle: dict | None = None) -> tuple[str, str]:
    """Feature engineering with ``tqdm.notebook`` bars: widget views and ``metadata.widgets`` state."""
    nb = NotebookBuilder(rng, when, compact=True, kaggle=kaggle)
    nb.md("# Extra features for Titanic\n\nUses the `alice/titanic-extra-features` dataset (deck, ticket "
          "groups, family survival rates) and cross-validates a LightGBM model per fold.")
    nb.code("from tqdm.notebook import tqdm\nimport lightgbm as lgb\nfrom sklearn.model_selection import StratifiedKFold\n"
            "train = pd.read_csv('/kaggle/input/titanic/train.csv')\n"
            "extra = pd.read_csv('/kaggle/input/titanic-extra-features/family_features.csv')\n"
            "df = train.merge(extra, on='PassengerId')\ndf.head(3)",
            head_outputs(rng, COLUMNS[:6] + ["family_size", "family_kind"],
                         [r[:6] + [k, "alone" if k == 1 else "small" if k < 5 else "large"]
                          for r, k in zip(passengers(rng, 3), (rng.randint(1, 8) for _ in range(3)))]))
    for label, total in (("folds", 5), ("seeds", 10), ("bagging", 25)):
        nb.code(f"oof = np.zeros(len(df))\nfor i in tqdm(range({total}), desc='{label}'):\n    fit_one(i)",
                nb.progress(total, label),
                nb.stream("".join(f"{label} {i}: auc={rng.uniform(0.86, 0.9):.5f}\n" for i in range(total))),
                seconds=rng.uniform(20, 90))
    nb.code("print('OOF accuracy:', round(((oof > 0.5) == df.Survived).mean(), 4))",
            nb.stream(f"OOF accuracy: {rng.uniform(0.83, 0.86):.4f}\n"))
    return nb.build(), nb.log.json()


def starter_notebook(rng: random.Random, when: datetime, kaggle: dict | None = None) -> tuple[str, str]:
    """sandbox-user's own starter: stdlib only, so pulling and pushing it really runs on the sandbox."""
    nb = NotebookBuilder(rng, when, kaggle=kaggle)
    nb.md("# Titanic starter (no pandas)\n\nReads the competition files with the `csv` module, looks at "
          "survival by sex and class, and writes `submission.csv`. Fork it and improve the rule!")
    nb.code("!ls /kaggle/input/titanic", nb.stream("gender_submission.csv\ntest.csv\ntrain.csv\n"))
    nb.code("import csv\nfrom collections import Counter\n\n"
            "with open('/kaggle/input/titanic/train.csv', newline='') as fh:\n    train = list(csv.DictReader(fh))\n"
            "with open('/kaggle/input/titanic/test.csv', newline='') as fh:\n    test = list(csv.DictReader(fh))\n"
            "print(len(train), 'train rows,', len(test), 'test rows')",
            nb.stream("891 train rows, 418 test rows\n"))
    nb.md("## Survival by sex and class")
    nb.code("alive, seen = Counter(), Counter()\nfor row in train:\n    key = (row['Sex'], row['Pclass'])\n"
            "    seen[key] += 1\n    alive[key] += int(row['Survived'])\n"
            "rate = {key: alive[key] / seen[key] for key in seen}\nfor key in sorted(rate):\n"
            "    print(f'{key[0]:>6} class {key[1]}: {rate[key]:.1%} of {seen[key]}')",
            nb.stream("".join(f"{sex:>6} class {c}: {rng.uniform(0.1, 0.95):.1%} of {rng.randint(60, 350)}\n"
                              for sex in ("female", "male") for c in "123")))
    nb.code("%%time\nwith open('submission.csv', 'w', newline='') as fh:\n    writer = csv.writer(fh)\n"
            "    writer.writerow(['PassengerId', 'Survived'])\n    for row in test:\n"
            "        writer.writerow([row['PassengerId'], int(rate.get((row['Sex'], row['Pclass']), 0) > 0.5)])\n"
            "print('wrote', len(test), 'predictions')",
            nb.stream(f"wrote 418 predictions\nCPU times: user {rng.randint(2, 6)} ms, sys: 0 ns, total: "
                      f"{rng.randint(2, 6)} ms\nWall time: {rng.uniform(2, 9):.2f} ms\n"))
    return nb.build(), nb.log.json()


def _info_text() -> str:
    dtypes = ["int64", "int64", "int64", "object", "object", "float64", "int64", "int64", "object", "float64",
              "object", "object"]
    counts = [891, 891, 891, 891, 891, 714, 891, 891, 891, 891, 204, 889]
    rows = "".join(f" {i:<2} {c:<12} {n} non-null    {d}\n" for i, (c, n, d) in enumerate(zip(COLUMNS, counts, dtypes)))
    return ("<class 'pandas.core.frame.DataFrame'>\nRangeIndex: 891 entries, 0 to 890\nData columns (total 12 columns):\n"
            " #   Column       Non-Null Count  Dtype  \n---  ------       --------------  -----  \n" + rows +
            "dtypes: float64(2), int64(5), object(5)\nmemory usage: 83.7+ KB\n")


# --- runnable scripts (stdlib only) ---------------------------------------------------------------
GENDER_BASELINE = '''"""Gender + class baseline for Titanic, using only the standard library."""
import csv
import os

INPUT = "/kaggle/input/titanic"

with open(os.path.join(INPUT, "train.csv"), newline="") as fh:
    train = list(csv.DictReader(fh))

# survival rate per (sex, class) group
groups = {}
for row in train:
    key = (row["Sex"], row["Pclass"])
    alive, total = groups.get(key, (0, 0))
    groups[key] = (alive + int(row["Survived"]), total + 1)
for key in sorted(groups):
    alive, total = groups[key]
    print(f"{key[0]:>6} class {key[1]}: {alive}/{total} survived ({alive / total:.1%})")

with open(os.path.join(INPUT, "test.csv"), newline="") as fh:
    test = list(csv.DictReader(fh))
with open("/kaggle/working/submission.csv", "w", newline="") as fh:
    writer = csv.writer(fh)
    writer.writerow(["PassengerId", "Survived"])
    for row in test:
        alive, total = groups.get((row["Sex"], row["Pclass"]), (0, 1))
        writer.writerow([row["PassengerId"], int(alive / total > 0.5)])
print(f"wrote {len(test)} predictions to submission.csv")
'''


def gender_baseline_log(rng: random.Random) -> str:
    rates = {("female", "1"): (91, 94), ("female", "2"): (70, 76), ("female", "3"): (72, 144),
             ("male", "1"): (45, 122), ("male", "2"): (17, 108), ("male", "3"): (47, 347)}
    out = "".join(f"{s:>6} class {c}: {a}/{t} survived ({a / t:.1%})\n" for (s, c), (a, t) in sorted(rates.items()))
    return script_log(rng, out + "wrote 418 predictions to submission.csv\n")
