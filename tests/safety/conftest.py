"""Fixtures for the safety tests: real lexicon, real MiniLM (loaded once), real configs."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from bot.config import HavenConfig
from bot.safety.assessor import RiskAssessor
from bot.safety.lexicon import Lexicon
from bot.safety.semantic import SemanticClassifier
from bot.safety.train_head import DATA_PATH, read_labeled


@pytest.fixture(scope="session")
def lexicon() -> Lexicon:
    return Lexicon()


@pytest.fixture
def lexicon_assessor(lexicon: Lexicon) -> RiskAssessor:
    return RiskAssessor(lexicon, context_turns=4)


@pytest.fixture(scope="session")
def semantic() -> Iterator[SemanticClassifier]:
    """The real MiniLM and the shipped head: a few seconds, once per session."""
    classifier = SemanticClassifier.load()
    yield classifier


@pytest.fixture
def full_assessor(lexicon: Lexicon, semantic: SemanticClassifier) -> RiskAssessor:
    assessor = RiskAssessor(lexicon, context_turns=4)
    assessor.use_semantic(semantic)
    return assessor


@pytest.fixture
def config() -> HavenConfig:
    return HavenConfig()


@pytest.fixture
def lexicon_only_config() -> HavenConfig:
    cfg = HavenConfig()
    cfg.safety.semantic = False
    return cfg


@pytest.fixture(scope="session")
def labeled_rows() -> list[dict[str, object]]:
    return read_labeled(DATA_PATH)
