"""Every usual way of naming a competition, notebook or dataset resolves to the same ref."""

from __future__ import annotations

import pytest

from kaggle_mcp.kaggle import refs
from kaggle_mcp.kaggle.errors import InvalidReference


@pytest.mark.parametrize("value", [
    "titanic", "Titanic", "https://www.kaggle.com/competitions/titanic", "https://www.kaggle.com/c/titanic",
    "kaggle.com/c/titanic/data", "www.kaggle.com/competitions/titanic/overview/evaluation",
    "https://www.kaggle.com/competitions/titanic/leaderboard?tab=public", "competitions/titanic",
])
def test_competition_forms(value):
    assert refs.competition_slug(value) == "titanic"


@pytest.mark.parametrize("value", ["", "a/b/c/d", "https://example.com/c/titanic", "tit anic"])
def test_competition_rejects_with_a_hint(value):
    with pytest.raises(InvalidReference, match="search_competitions|kaggle.com|valid"):
        refs.competition_slug(value)


@pytest.mark.parametrize("value,expected", [
    ("alice/titanic-eda", refs.Ref("alice", "titanic-eda")),
    ("alice/titanic-eda/3", refs.Ref("alice", "titanic-eda", 3)),
    ("https://www.kaggle.com/code/alice/titanic-eda", refs.Ref("alice", "titanic-eda")),
    ("https://www.kaggle.com/code/alice/titanic-eda/notebook", refs.Ref("alice", "titanic-eda")),
    ("kaggle.com/code/alice/titanic-eda/edit", refs.Ref("alice", "titanic-eda")),
    ("https://www.kaggle.com/alice/titanic-eda", refs.Ref("alice", "titanic-eda")),
    ("https://www.kaggle.com/kernels/alice/titanic-eda", refs.Ref("alice", "titanic-eda")),
    ("https://www.kaggle.com/code/alice/titanic-eda/versions/4", refs.Ref("alice", "titanic-eda", 4)),
    ("my-notebook", refs.Ref(None, "my-notebook")),
])
def test_notebook_forms(value, expected):
    assert refs.notebook_ref(value) == expected


@pytest.mark.parametrize("value,expected", [
    ("alice/titanic-extra-features", refs.Ref("alice", "titanic-extra-features")),
    ("https://www.kaggle.com/datasets/alice/titanic-extra-features", refs.Ref("alice", "titanic-extra-features")),
    ("https://www.kaggle.com/datasets/alice/titanic-extra-features/data", refs.Ref("alice", "titanic-extra-features")),
    ("kaggle.com/datasets/alice/x1/versions/2", refs.Ref("alice", "x1", 2)),
    ("alice/x1/2", refs.Ref("alice", "x1", 2)),
])
def test_dataset_forms(value, expected):
    assert refs.dataset_ref(value) == expected


def test_dataset_needs_owner_when_required():
    with pytest.raises(InvalidReference, match="owner/slug"):
        refs.require_owner(refs.dataset_ref("lonely"), "dataset")
