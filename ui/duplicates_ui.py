"""The Duplicates page's one shared cache: the corpus re-clustered at the analyst's thresholds."""

from __future__ import annotations

import polars as pl
import streamlit as st

from core import schema
from core.dedup import NEAR_THRESHOLD, NEAR_THRESHOLD_RANGE, STORY_THRESHOLD, STORY_THRESHOLD_RANGE, cluster_articles


@st.cache_resource(max_entries=8, show_spinner=False)
def _reclustered(corpus_key: str, near: float, story: float, _articles: pl.DataFrame) -> pl.DataFrame:
    return schema.conform("clusters", cluster_articles(_articles, near_threshold=near, story_threshold=story))


def reclustered(corpus_key: str, near: float, story: float, articles: pl.DataFrame) -> pl.DataFrame:
    """core.dedup's clusters of the corpus at these thresholds (schema "clusters"); shared by sessions,
    keyed on the corpus key (which names `articles`) and the two thresholds."""
    return _reclustered(corpus_key, near, story, articles)


def default_thresholds() -> tuple[float, float]:
    """(near, story): core.dedup's named defaults."""
    return float(NEAR_THRESHOLD), float(STORY_THRESHOLD)


def threshold_ranges() -> tuple[tuple[float, float], tuple[float, float]]:
    """(near_lo, near_hi), (story_lo, story_hi): the threshold ranges core.dedup accepts."""
    (near_lo, near_hi), (story_lo, story_hi) = NEAR_THRESHOLD_RANGE, STORY_THRESHOLD_RANGE
    return (float(near_lo), float(near_hi)), (float(story_lo), float(story_hi))
