"""Text of the seeded forums: comment and post templates, write-up bodies, topic titles.

Written for the sandbox, in the shapes real threads have: short thanks, long answers with code
blocks, lists of ideas, quotes of the comment replied to, links to notebooks and datasets, images.
``{placeholders}`` are filled by ``seed_forums`` from the seeded world.
"""

from __future__ import annotations

COMMENTS = [
    "Thanks for sharing! I got **{score}** on the public LB with a similar approach.",
    "Great write-up, upvoted. Did you tune `learning_rate` or keep the default?",
    "> {quote}\n\nI saw the same thing. My CV was {score} but the LB was lower; the split matters.",
    "Here is what worked for me:\n\n- target encoding with 5 folds\n- `log1p` on skewed columns\n"
    "- early stopping on a time-based holdout",
    "You can reproduce it with this:\n\n```python\nfrom sklearn.model_selection import StratifiedKFold\n"
    "skf = StratifiedKFold(n_splits=5, shuffle=True, random_state=42)\nfor fold, (tr, va) in "
    "enumerate(skf.split(X, y)):\n    model.fit(X.iloc[tr], y.iloc[tr])\n    print(fold, model.score(X.iloc[va], "
    "y.iloc[va]))\n```",
    "I wrote a notebook about this: [{notebook}](https://www.kaggle.com/code/{notebook}). Feedback welcome!",
    "Is the [extra dataset](https://www.kaggle.com/datasets/{dataset}) allowed under the rules? It helped my CV.",
    "+1, same question here.",
    "Be careful with leakage: the id column is correlated with the target in `train.csv`.",
    "Plot of CV vs public LB for my last 20 submissions:\n\n![cv vs lb](https://www.kaggle.com/static/sandbox/"
    "cv-lb-{n}.png)\n\nThe correlation is decent above {score}.",
    "Try this feature, it gave me +0.004:\n\n```python\ndf['ratio'] = df['a'] / (df['b'] + 1)\n```",
    "Which version of LightGBM are you on? `3.3.5` gives different results from `4.x` for me.",
    "Congrats on the result and thanks for explaining the validation scheme so clearly.",
    "I disagree a bit: ensembling only helped once the base models were diverse (GBDT + NN + linear).",
    "The docs explain the metric well: https://www.kaggle.com/docs/competitions#evaluation",
    "Quick tip: read only the columns you need with `usecols=` and explicit `dtype=`; memory went from 9 GB "
    "to 2 GB.",
    "Could you share the seed you used? I get {score} with seed 42 and a bit less with 7.",
    "Following. This thread is gold.",
]

REPLIES = [
    "Thanks! I kept the default and used early stopping instead.",
    "Good point, I will check the split again.",
    "Yes, it is allowed as long as it is public and listed in the data sources thread.",
    "> {quote}\n\nExactly, diversity matters more than the number of models.",
    "I'm on 4.3. The change in default `min_data_in_leaf` explains part of it.",
    "Same here, +0.002 only.",
    "Here is the snippet:\n\n```python\nseed_everything(2024)\n```",
    "Nice, thank you!",
]

POSTS = [
    "## What I tried\n\n{body}\n\n## Code\n\n```python\nimport pandas as pd\n\ntrain = pd.read_csv("
    "'/kaggle/input/{slug}/train.csv')\nprint(train.shape)\n```\n\nLet me know what you think!",
    "{body}\n\nSee my notebook: [{notebook}](https://www.kaggle.com/code/{notebook}).",
    "{body}\n\n- first idea\n- second idea\n- third idea\n\nWhich of these is worth trying first?",
]

SITE_TOPICS = {
    "getting-started": ("Getting Started", "The first place to ask questions about Kaggle", [
        "How do I join my first competition?", "What is the difference between CV and LB?",
        "Where should a beginner start: Titanic or House Prices?"]),
    "general": ("General", "Anything about data science and Kaggle", [
        "Which GBDT library do you use in 2026?", "Share your favourite EDA trick"]),
    "product-feedback": ("Product Feedback", "Tell us what to improve", [
        "Feature request: download notebook outputs as one zip", "GPU quota counter is confusing"]),
}

ENTITY_TOPICS = {
    "dataset": ["Is this dataset updated regularly?", "Column meanings and units", "Great for feature engineering"],
    "kernel": ["Why do you drop the Cabin column?", "Error when running the second cell"],
    "model": ["How much GPU memory does it need?", "Fine-tuning tips", "License question for commercial use"],
}

WRITEUPS = [
    (1, "Erin Ensembles", "1st place solution write-up",
     "Stacked GBDTs on engineered area features, with a linear blender",
     "## Overview\n\nThanks to the hosts and everyone who shared notebooks. Our final submission was a stack of "
     "three gradient-boosted models and a ridge model, blended with weights chosen on out-of-fold predictions.\n\n"
     "## Validation\n\nRepeated 5-fold CV on `log1p(SalePrice)`; CV and public LB moved together (correlation "
     "0.93 over 60 submissions), so we trusted CV.\n\n## Features\n\n- total living area = `GrLivArea + "
     "TotalBsmtSF`\n- age at sale, years since remodel\n- neighborhood target encoding (out of fold)\n- quality "
     "scores as ordinals\n\n## Models\n\n```python\nlgb_params = {'num_leaves': 15, 'learning_rate': 0.01, "
     "'feature_fraction': 0.3}\nmodels = [LGBMRegressor(**lgb_params), XGBRegressor(max_depth=3), "
     "CatBoostRegressor(depth=6)]\n```\n\n## What did not work\n\n- neural networks on raw features\n- "
     "pseudo-labelling the test set\n\nCode: [our notebook](https://www.kaggle.com/code/erin/house-prices-stack)."),
    (2, "Dmitri Boosting", "2nd place: two simple ideas and a lot of CV",
     "Outlier removal and a careful blend of Lasso and LightGBM",
     "## Summary\n\nTwo things mattered: removing the two huge-but-cheap houses from train, and blending a "
     "Lasso (70%) with LightGBM (30%).\n\n## Details\n\nLasso on one-hot features with `alpha=0.0005`; skewed "
     "features were Box-Cox transformed. LightGBM used 5,000 trees with a 0.005 learning rate.\n\n```python\n"
     "blend = 0.7 * lasso.predict(X) + 0.3 * lgbm.predict(X)\n```\n\nPrivate LB 0.1141, public 0.1152."),
    (4, "Carol Kernels", "4th place solution (top 0.1%)",
     "Kernel ridge on a cleaned feature set",
     "## Approach\n\nKernel ridge regression with a polynomial kernel on 120 cleaned features, plus a "
     "GBDT for the residuals.\n\n- impute `LotFrontage` by neighborhood median\n- drop `Utilities`\n\n"
     "The residual model added 0.002 on CV."),
    (37, "Bob Tabular", "Top 1% with one LightGBM: what I learned",
     "A single model, honest validation, no leaks",
     "I finished 37th with a single LightGBM. The lesson: spend the time on validation, not on the 20th "
     "model.\n\n```python\nmodel = LGBMRegressor(n_estimators=4000, learning_rate=0.005)\n```"),
]
