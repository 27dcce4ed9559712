"""Competition pages and discussion titles for the seeded world.

Real pages mix markdown and HTML (rules and data pages are often HTML with tables and lists), so the
seed does too: the context engine must convert both. All text is written for the sandbox.
"""

from __future__ import annotations

from kaggle_mcp.sandbox.world import Competition, Page

_EVALUATION = {
    "titanic": "## Goal\n\nPredict whether each passenger in `test.csv` survived.\n\n## Metric\n\n"
               "Your score is the percentage of passengers you correctly predict (**accuracy**).\n\n"
               "## Submission File Format\n\nExactly 418 rows plus a header:\n\n"
               "```\nPassengerId,Survived\n892,0\n893,1\n```\n",
    "retail-demand-forecast": "Submissions are evaluated on the Root Mean Squared Logarithmic Error:\n\n"
               "$$\\sqrt{\\frac{1}{n}\\sum_i (\\log(1+\\hat y_i) - \\log(1+y_i))^2}$$\n\n"
               "Negative predictions are clipped to zero. The file must contain `id,unit_sales` for every "
               "row of `test.csv`.\n",
    "ai-math-olympiad-sandbox": "Each answer is an integer in 0..999. The score is the fraction of problems "
               "answered exactly. **This is a code competition**: submit a notebook that writes "
               "`submission.csv`; it runs without internet access within 9 hours.\n",
    "house-prices-2019": "Submissions are evaluated on Root-Mean-Squared-Error (RMSE) between the logarithm "
               "of the predicted value and the logarithm of the observed sales price.\n",
}


def competition_pages(comp: Competition) -> list[Page]:
    files = "".join(f"<li><code>{name}</code> - {f.description or 'data file'}</li>"
                    for name, f in comp.files.items())
    description = (f"# {comp.title}\n\n{comp.subtitle}.\n\n"
                   f"Hosted by **{comp.organization}**. Teams of up to {comp.max_team_size}; "
                   f"{comp.max_daily_submissions} submissions per day.\n\n"
                   "## What you will do\n\n- explore the data\n- build a model\n- submit predictions\n")
    rules = (f"<h2>Competition Rules</h2><p>By accepting these rules you agree to the terms of "
             f"<strong>{comp.title}</strong>.</p><ol>"
             "<li><b>One account per participant.</b> You cannot sign up from multiple accounts.</li>"
             f"<li><b>Team limits.</b> The maximum team size is {comp.max_team_size}.</li>"
             f"<li><b>Submission limits.</b> You may submit a maximum of {comp.max_daily_submissions} "
             "entries per day.</li>"
             "<li><b>External data</b> is allowed if it is freely and publicly available.</li>"
             "<li>Private sharing of code outside teams is not permitted.</li></ol>")
    if comp.kernels_only:
        rules += ("<h3>Code requirements</h3><ul><li>CPU or GPU notebook run-time &lt;= 9 hours</li>"
                  "<li>Internet access disabled</li><li>Output file must be named <code>submission.csv</code></li></ul>")
    data = (f"<h2>Dataset Description</h2><p>Files for <em>{comp.title}</em>.</p><ul>{files}</ul>"
            "<h3>Columns</h3><table><tr><th>column</th><th>meaning</th></tr>"
            + "".join(f"<tr><td>{c}</td><td>see the evaluation page</td></tr>" for c in comp.submission_columns)
            + "</table>")
    result = [
        Page("description", description, "text/markdown", "Overview"),
        Page("evaluation", _EVALUATION.get(comp.slug, "See the rules."), "text/markdown", "Evaluation"),
        Page("rules", rules, "text/html", "Rules"),
        Page("data-description", data, "text/html", "Data"),
        Page("timeline", f"- Start: {comp.enabled:%B %d, %Y}\n- Final submission deadline: "
             f"{comp.deadline:%B %d, %Y} 11:59 PM UTC\n", "text/markdown", "Timeline"),
    ]
    if comp.reward not in ("Knowledge", "Swag"):
        result.append(Page("prizes", f"<ul><li>1st place: 50% of {comp.reward}</li><li>2nd place: 30%</li>"
                                     "<li>3rd place: 20%</li></ul>", "text/html", "Prizes"))
    return result


_COMMON = ["Welcome to the competition! Read this first", "Starter notebook: a simple baseline",
           "My cross-validation does not match the public leaderboard", "Feature engineering ideas thread",
           "How are ties on the leaderboard broken?", "Share your best single-model score",
           "Data leakage? Please check the id column", "Beginner question about the submission format",
           "GPU quota tips for long training runs", "Ensembling: what actually helped me"]
_SPECIFIC = {
    "titanic": ["Title extraction from Name gives +2%", "Is Cabin worth imputing?"],
    "retail-demand-forecast": ["Reading the 50 MB train.csv in chunks", "Holiday effects and promotions"],
    "ai-math-olympiad-sandbox": ["Notebook timed out after 9 hours", "Tool-integrated reasoning baseline"],
    "house-prices-2019": ["Log-transforming SalePrice", "1st place solution write-up"],
}


def topic_titles(slug: str) -> list[str]:
    return _COMMON + _SPECIFIC.get(slug, [])
