"""Generated tabular files for the seeded competitions and datasets.

Everything is synthesised from the seed (no third-party data in the repo) yet shaped like the real
thing: a Titanic-like passenger table, a retail sales table big enough (>= 50 MB) that clients must
stream it and read its head with ``Range``, house-price rows, maths problems.
"""

from __future__ import annotations

import csv
import io
import random
from datetime import date, timedelta

FIRST = ["James", "Mary", "John", "Anna", "William", "Elin", "Thomas", "Margaret", "Karl", "Helga",
         "Patrick", "Bridget", "Ahmed", "Mariam", "Luigi", "Rosa", "Ivan", "Olga", "Hugo", "Agnes"]
LAST = ["Smith", "Johansson", "O'Brien", "Andersson", "Brown", "Nakid", "Rossi", "Petrov", "Dubois",
        "Murphy", "Larsen", "Baker", "Keane", "Novak", "Fischer", "Moreau", "Hansen", "Kelly"]


def _csv(header: list[str], rows: list[list[object]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def passengers(rng: random.Random, start_id: int, count: int) -> list[dict[str, object]]:
    rows = []
    for pid in range(start_id, start_id + count):
        pclass = rng.choices([1, 2, 3], [0.24, 0.21, 0.55])[0]
        sex = rng.choice(["male", "female"])
        age: object = "" if rng.random() < 0.2 else round(rng.uniform(0.4, 75), 1 if rng.random() < 0.1 else 0)
        title = ("Mr." if sex == "male" else rng.choice(["Mrs.", "Miss."]))
        fare = round(rng.lognormvariate({1: 4.2, 2: 3.0, 3: 2.3}[pclass], 0.5), 4)
        p_survive = 0.74 if sex == "female" else 0.19
        p_survive += {1: 0.15, 2: 0.0, 3: -0.12}[pclass]
        rows.append({
            "PassengerId": pid,
            "Survived": int(rng.random() < p_survive),
            "Pclass": pclass,
            "Name": f"{rng.choice(LAST)}, {title} {rng.choice(FIRST)}",
            "Sex": sex,
            "Age": age,
            "SibSp": rng.choices([0, 1, 2, 3, 4], [0.68, 0.23, 0.05, 0.02, 0.02])[0],
            "Parch": rng.choices([0, 1, 2, 3], [0.76, 0.13, 0.09, 0.02])[0],
            "Ticket": f"{rng.choice(['', 'PC ', 'A/5 ', 'STON/O2. '])}{rng.randint(1000, 399999)}",
            "Fare": fare,
            "Cabin": "" if rng.random() < 0.77 else f"{rng.choice('ABCDEF')}{rng.randint(1, 130)}",
            "Embarked": rng.choices(["S", "C", "Q"], [0.72, 0.19, 0.09])[0],
        })
    return rows


def titanic_files(rng: random.Random) -> tuple[dict[str, bytes], dict[str, str]]:
    """train.csv, test.csv, gender_submission.csv and the hidden solution for scoring."""
    cols = ["PassengerId", "Survived", "Pclass", "Name", "Sex", "Age", "SibSp", "Parch", "Ticket",
            "Fare", "Cabin", "Embarked"]
    train = passengers(rng, 1, 891)
    test = passengers(rng, 892, 418)
    solution = {str(p["PassengerId"]): str(p["Survived"]) for p in test}
    files = {
        "train.csv": _csv(cols, [[p[c] for c in cols] for p in train]),
        "test.csv": _csv([c for c in cols if c != "Survived"],
                         [[p[c] for c in cols if c != "Survived"] for p in test]),
        "gender_submission.csv": _csv(["PassengerId", "Survived"],
                                      [[p["PassengerId"], int(p["Sex"] == "female")] for p in test]),
    }
    return files, solution


RETAIL_HEADER = "id,date,store_nbr,item_nbr,onpromotion,unit_sales\n"
RETAIL_START = date(2021, 1, 1)
RETAIL_ROWS_PER_DAY = 2000


def retail_rows_factory(seed: int):
    """Rows ``[first, last)`` of the streamed train.csv; every row is 42 bytes, derived from (seed, i)."""
    dates = [(RETAIL_START + timedelta(days=d)).isoformat() for d in range(4000)]
    salt = (seed * 0x9E3779B1 + 0x7F4A7C15) & 0xFFFFFFFF

    def rows(first: int, last: int) -> str:
        out: list[str] = []
        add = out.append
        for i in range(first, last):
            h = ((i + 1) * 0x85EBCA77 ^ salt) & 0xFFFFFFFF
            h = ((h ^ (h >> 15)) * 0x2C1B3C6D) & 0xFFFFFFFF
            h ^= h >> 12
            add("%09d,%s,%02d,%06d,%d,%08.2f\n" % (
                i, dates[i // RETAIL_ROWS_PER_DAY], 1 + (i % RETAIL_ROWS_PER_DAY) // 40, 100000 + (h % 900000),
                1 if (h & 0x300) == 0x300 else 0, ((h >> 8) % 250000) / 100.0))
        return "".join(out)

    return rows


def retail_row_factory(seed: int):
    """One row at a time (``row(i)``), same bytes as ``retail_rows_factory``; handy in tests."""
    rows = retail_rows_factory(seed)
    return lambda i: rows(i, i + 1)


def retail_small_files(rng: random.Random) -> dict[str, bytes]:
    cities = ["Quito", "Guayaquil", "Cuenca", "Ambato", "Manta", "Loja", "Machala", "Ibarra"]
    stores = [[n, rng.choice(cities), rng.choice("ABCDE"), rng.randint(1, 17)] for n in range(1, 51)]
    test_rows = [[900000000 + i, "2026-01-01", 1 + i % 50, 100000 + rng.randint(0, 899999),
                  int(rng.random() < 0.1)] for i in range(5000)]
    return {
        "stores.csv": _csv(["store_nbr", "city", "type", "cluster"], stores),
        "test.csv": _csv(["id", "date", "store_nbr", "item_nbr", "onpromotion"], test_rows),
        "sample_submission.csv": _csv(["id", "unit_sales"], [[r[0], 0] for r in test_rows]),
    }


def house_files(rng: random.Random) -> tuple[dict[str, bytes], dict[str, str]]:
    hoods = ["NAmes", "CollgCr", "OldTown", "Edwards", "Somerst", "Gilbert", "NridgHt", "Sawyer"]
    cols = ["Id", "MSSubClass", "LotArea", "Neighborhood", "OverallQual", "YearBuilt", "GrLivArea",
            "GarageCars", "SalePrice"]

    def rows(start: int, n: int) -> list[list[object]]:
        out = []
        for i in range(start, start + n):
            qual = rng.randint(1, 10)
            area = rng.randint(500, 4000)
            price = int(20000 + qual * 18000 + area * 45 + rng.gauss(0, 15000))
            out.append([i, rng.choice([20, 50, 60, 120]), rng.randint(1300, 40000), rng.choice(hoods),
                        qual, rng.randint(1880, 2010), area, rng.randint(0, 4), max(price, 35000)])
        return out

    train, test = rows(1, 1460), rows(1461, 1459)
    solution = {str(r[0]): str(r[-1]) for r in test}
    description = "\n".join(f"{c}: {d}" for c, d in [
        ("MSSubClass", "Identifies the type of dwelling involved in the sale."),
        ("LotArea", "Lot size in square feet"), ("Neighborhood", "Physical locations within city limits"),
        ("OverallQual", "Rates the overall material and finish of the house (1-10)"),
        ("YearBuilt", "Original construction date"), ("GrLivArea", "Above grade living area square feet"),
        ("GarageCars", "Size of garage in car capacity")]) + "\n"
    return {
        "train.csv": _csv(cols, train),
        "test.csv": _csv(cols[:-1], [r[:-1] for r in test]),
        "sample_submission.csv": _csv(["Id", "SalePrice"], [[r[0], 180000] for r in test]),
        "data_description.txt": description.encode(),
    }, solution


def math_files(rng: random.Random) -> tuple[dict[str, bytes], dict[str, str]]:
    problems = []
    for i in range(12):
        a, b = rng.randint(2, 99), rng.randint(2, 99)
        problems.append([f"p{i:03d}", f"Find the remainder when ${a}^{{{b}}}$ is divided by $1000$.",
                         pow(a, b, 1000)])
    return {
        "reference.csv": _csv(["id", "problem", "answer"], problems),
        "test.csv": _csv(["id", "problem"], [p[:2] for p in problems[:3]]),
        "sample_submission.csv": _csv(["id", "answer"], [[p[0], 0] for p in problems[:3]]),
    }, {str(p[0]): str(p[2]) for p in problems[:3]}


def leaderboard_names(rng: random.Random, n: int) -> list[str]:
    adjectives = ["Lazy", "Quantum", "Gradient", "Boosted", "Random", "Deep", "Sparse", "Bayesian",
                  "Stacked", "Noisy", "Greedy", "Frozen", "Tuned", "Robust", "Calibrated"]
    nouns = ["Forest", "Owls", "Tensors", "Learners", "Pandas", "Kernels", "Ensemble", "Hackers",
             "Wizards", "Trees", "Cats", "Neurons", "Sampler", "Gophers"]
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < n:
        name = f"{rng.choice(adjectives)} {rng.choice(nouns)}"
        if rng.random() < 0.35:
            name = f"{rng.choice(FIRST).lower()}{rng.randint(1, 999)}"
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names


def dataset_files(rng: random.Random) -> dict[str, dict[str, bytes]]:
    decks = [[d, rng.randint(1, 40), round(rng.uniform(0.2, 0.8), 3)] for d in "ABCDEFG"]
    families = [[pid, rng.randint(1, 8), rng.choice(["alone", "small", "large"])] for pid in range(1, 1310)]
    holidays = [[(date(2021, 1, 1) + timedelta(days=rng.randint(0, 1200))).isoformat(),
                 rng.choice(["Holiday", "Event", "Transfer", "Bridge"]),
                 rng.choice(["National", "Regional", "Local"])] for _ in range(300)]
    return {
        "alice/titanic-extra-features": {
            "cabin_decks.csv": _csv(["deck", "cabins", "survival_rate"], decks),
            "family_features.csv": _csv(["PassengerId", "family_size", "family_kind"], families),
        },
        "bob/retail-holidays": {
            "holidays_events.csv": _csv(["date", "type", "locale"], holidays),
            "notes/README.md": b"# Retail holidays\n\nHoliday and event calendar used by the retail demand forecast.\n",
        },
        "carol/olympiad-problem-bank": {
            "problems.jsonl": "".join(
                f'{{"id": "q{i}", "problem": "Compute {i} * {i + 3} mod 7", "answer": {(i * (i + 3)) % 7}}}\n'
                for i in range(200)).encode(),
        },
    }
