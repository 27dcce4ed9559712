"""Notebook cleaning on the real corpus notebooks and on the damaged shapes Kaggle hands out."""

from __future__ import annotations

import json

import pytest

from kaggle_mcp.context.notebooks import (
    OUTPUT_MAX_LINES,
    CleanCell,
    clean_notebook,
    fit_cells,
    render_cells,
    split_script,
)
from kaggle_mcp.context.tokens import estimate_tokens


def corpus_notebooks(corpus):
    paths = sorted((corpus / "notebooks").rglob("*.ipynb"))
    assert paths, "corpus has no notebooks"
    return paths


def test_corpus_cleaning_removes_blobs_and_keeps_code(corpus):
    for path in corpus_notebooks(corpus):
        raw = path.read_text(encoding="utf-8")
        cells = clean_notebook(raw)
        text = "\n".join(c.text for c in cells)
        assert cells, path.name
        assert {c.kind for c in cells} >= {"code"}, path.name
        assert "data:image" not in text and "iVBORw0KGgo" not in text, path.name  # PNG base64
        assert "<div" not in text and "<table" not in text, path.name
        assert "application/vnd" not in text, path.name
        for cell in cells:
            if cell.kind == "output":
                assert len(cell.text.split("\n")) <= OUTPUT_MAX_LINES + 1


def test_corpus_cleaned_is_95_percent_smaller(corpus, o200k):
    raw_total = clean_total = 0
    for path in corpus_notebooks(corpus):
        raw = path.read_text(encoding="utf-8")
        text, _ = render_cells(clean_notebook(raw), max_tokens=10**9)
        raw_total += o200k(raw)
        clean_total += o200k(text)
    assert clean_total <= 0.05 * raw_total, (clean_total, raw_total)


def test_markdown_and_code_survive_verbatim(corpus):
    path = corpus / "notebooks" / "titanic" / "alexisbcook__titanic-tutorial.ipynb"
    if not path.exists():
        pytest.skip("tutorial notebook not in corpus")
    nb = json.loads(path.read_text(encoding="utf-8"))
    cells = clean_notebook(nb)
    code = [c.text for c in cells if c.kind == "code"]
    assert any("pd.read_csv" in c for c in code)
    assert any(c.kind == "markdown" and "Titanic" in c.text for c in cells)


def test_compact_pull_form_with_string_sources(corpus):
    """`kaggle kernels pull` writes single-line JSON with `source` as one string."""
    path = corpus / "notebooks" / "house-prices-advanced-regression-techniques" / "serigne__stacked-regressions-top-4-on-leaderboard.ipynb"
    if not path.exists():
        pytest.skip("compact notebook not in corpus")
    cells = clean_notebook(path.read_text(encoding="utf-8"))
    assert len(cells) > 50
    assert any("import" in c.text for c in cells if c.kind == "code")


def _nb(cells, nbformat=4):
    return json.dumps({"nbformat": nbformat, "nbformat_minor": 2, "metadata": {}, "cells": cells})


def test_outputs_only_short_text_results():
    png = "iVBORw0KGgo" + "A" * 5000
    widget = {"model_id": "abc", "version_major": 2}
    nb = _nb([
        {"cell_type": "code", "source": ["import pandas as pd\n", "df.shape"], "outputs": [
            {"output_type": "execute_result", "data": {"text/plain": ["(891, 12)"], "text/html": ["<table>x</table>"]}},
            {"output_type": "display_data", "data": {"image/png": png, "text/plain": ["<Figure size 640x480 with 1 Axes>"]}},
            {"output_type": "display_data", "data": {"application/vnd.jupyter.widget-view+json": widget, "text/plain": ["HBox()"]}},
            {"output_type": "stream", "name": "stderr", "text": "FutureWarning: blah"},
            {"output_type": "stream", "name": "stdout", "text": "\x1b[32mEpoch 1\x1b[0m\r10%\r100%\n"},
            {"output_type": "error", "ename": "ValueError", "evalue": "bad", "traceback": ["long"]},
        ]},
    ])  # fmt: skip
    cells = clean_notebook(nb)
    assert [c.kind for c in cells] == ["code", "output"]
    out = cells[1].text
    assert "(891, 12)" in out and "ValueError: bad" in out
    assert "100%" in out and "10%" not in out and "\x1b" not in out
    assert "Figure" not in out and "FutureWarning" not in out and "iVBOR" not in out and "<table" not in out


def test_long_output_and_long_cell_trimmed_with_marker():
    long_code = "\n".join(f"x{i} = {i}" for i in range(500))
    nb = _nb([{"cell_type": "code", "source": long_code, "outputs": [
        {"output_type": "stream", "name": "stdout", "text": "".join(f"line {i}\n" for i in range(1000))}]}])  # fmt: skip
    code, output = clean_notebook(nb)
    assert code.trimmed and "trimmed" in code.text.split("\n")[-1]
    assert output.trimmed and "more lines" in output.text
    assert "line 0" in output.text and "line 999" not in output.text


def test_markdown_html_and_inline_images_removed():
    md = '<div style="color:red"><h1>Title</h1><img src="data:image/png;base64,AAAA"></div>\n![p](data:image/png;base64,QUJD)\n<style>.x{}</style>Text &amp; more'
    (cell,) = clean_notebook(_nb([{"cell_type": "markdown", "source": md, "attachments": {"a.png": {"image/png": "QUJD" * 100}}}]))
    assert cell.kind == "markdown"
    assert "Title" in cell.text and "Text & more" in cell.text
    assert "base64" not in cell.text and "<div" not in cell.text and ".x{}" not in cell.text
    assert "[image]" in cell.text


def test_base64_literal_in_code_removed():
    blob = "QUJD" * 100
    (cell,) = clean_notebook(_nb([{"cell_type": "code", "source": f'img = "{blob}"\nprint(1)', "outputs": []}]))
    assert blob not in cell.text and "[base64 removed]" in cell.text and "print(1)" in cell.text


def test_nbformat3_worksheets_and_headings():
    nb = json.dumps({"nbformat": 3, "worksheets": [{"cells": [
        {"cell_type": "heading", "level": 2, "source": ["Intro"]},
        {"cell_type": "code", "input": ["a = 1\n", "a"], "language": "python", "outputs": [
            {"output_type": "pyout", "text": ["1"], "prompt_number": 1},
            {"output_type": "pyerr", "ename": "KeyError", "evalue": "'x'"}]},
        {"cell_type": "raw", "source": "ignored"},
    ]}]})  # fmt: skip
    cells = clean_notebook(nb)
    assert cells[0] == CleanCell("markdown", "## Intro")
    assert cells[1] == CleanCell("code", "a = 1\na")
    assert cells[2].kind == "output" and "1" in cells[2].text and "KeyError: 'x'" in cells[2].text
    assert len(cells) == 3


def test_truncated_json_is_salvaged(corpus):
    raw = (corpus / "notebooks" / "titanic" / "alexisbcook__titanic-tutorial.ipynb").read_text(encoding="utf-8")
    cut = raw[: len(raw) * 2 // 3]
    cells = clean_notebook(cut)
    full = clean_notebook(raw)
    assert 0 < len(cells) < len(full) + 1
    assert cells[0] == full[0]


@pytest.mark.parametrize("garbage", ["", "{", "{not json at all", '{"cells": 5}', "[1, 2]", "\x00\xff"])
def test_malformed_input_never_raises(garbage):
    cells = clean_notebook(garbage)
    assert isinstance(cells, list)
    assert all(isinstance(c, CleanCell) for c in cells)


def test_bytes_and_dict_inputs():
    nb = {"nbformat": 4, "cells": [{"cell_type": "code", "source": "print('é')", "outputs": []}]}
    assert clean_notebook(nb) == clean_notebook(json.dumps(nb).encode()) == [CleanCell("code", "print('é')")]


def test_script_with_cell_markers():
    script = "# %% [markdown]\nimport a\n\n# %%\nb = 2\n# In[3]:\nc = 3\n"
    cells = split_script(script)
    assert [c.text for c in cells] == ["import a", "b = 2", "c = 3"]


def test_rmarkdown_chunks():
    rmd = "# Title\nSome prose.\n\n```{r setup}\nlibrary(dplyr)\n```\n\nMore prose.\n"
    cells = clean_notebook(rmd, kernel_type="script", language="rmarkdown")
    assert [c.kind for c in cells] == ["markdown", "code", "markdown"]
    assert cells[1].text == "library(dplyr)"


def test_corpus_scripts_split_into_blocks(corpus):
    for path in sorted((corpus / "scripts").rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        cells = clean_notebook(source, kernel_type="script")
        assert len(cells) > 1 and all(c.kind == "code" for c in cells)
        # nothing but whitespace is lost when a script is split
        joined = "".join(c.text for c in cells if not c.trimmed)
        assert joined.replace("\n", "").replace(" ", "") in source.replace("\n", "").replace(" ", "") or any(c.trimmed for c in cells)


def test_render_cells_budget_and_continuation(corpus):
    raw = (corpus / "notebooks" / "titanic" / "startupsci__titanic-data-science-solutions.ipynb").read_text(encoding="utf-8")
    cells = clean_notebook(raw)
    text, stats = render_cells(cells, max_tokens=1500)
    assert estimate_tokens(text) <= 1500
    assert stats.truncated and stats.next_start is not None and stats.next_start < len(cells)
    assert "```python" in text and f"continue from cell {stats.next_start}" in text
    seen = stats.end
    while stats.next_start is not None:
        text, stats = render_cells(cells, max_tokens=1500, start=stats.next_start)
        assert estimate_tokens(text) <= 1500
        assert stats.end > stats.start
        seen = stats.end
    assert seen == len(cells)


def test_fit_cells_makes_progress_on_a_huge_first_cell():
    cells = [CleanCell("code", "\n".join(f"value_{i} = compute({i})" for i in range(2000)))]
    kept, end = fit_cells(cells, 200)
    assert end == 1 and kept[0].trimmed and estimate_tokens(kept[0].text) <= 200


def test_page_html_to_text():
    from kaggle_mcp.context.htmltext import page_text, trim_text

    html_page = (
        "<h2>Goal</h2><p>Predict <b>survival</b>.&nbsp;See <a href='x'>data</a>.</p>"
        "<ul><li>one</li><li>two</li></ul><script>alert(1)</script><table><tr><td>a</td><td>b</td></tr></table>"
    )
    text = page_text(html_page, "text/html")
    assert "## Goal" in text and "Predict survival." in text and "- one\n- two" in text
    assert "alert" not in text and "<" not in text and "a | b" in text
    assert page_text("# Markdown\n\n\n\nkept  as is", "text/markdown") == "# Markdown\n\nkept  as is"
    long = "word " * 5000
    cut, trimmed = trim_text(long, 100)
    assert trimmed and cut.endswith("… [trimmed]") and estimate_tokens(cut) <= 100


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(
        ["cells", "cell_type", "source", "outputs", "output_type", "data", "text", "name", "worksheets", "input",
         "text/plain", "level", "ename", "evalue"]), inner, max_size=5),
    max_leaves=25,
)


@settings(max_examples=120, deadline=None)
@given(_values)
def test_any_json_shape_is_cleaned_without_error(value):
    for source in (json.dumps(value), json.dumps(value)[:-1]):
        cells = clean_notebook(source)
        assert all(isinstance(c, CleanCell) and c.kind in ("markdown", "code", "output") for c in cells)
