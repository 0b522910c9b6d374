"""Where things live. Generated data goes under one data folder, never into the source tree."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
QUIZZES_DIR = PROJECT_ROOT / "quizzes"
DATA_ENV_VAR = "PIPELINE_LAB_DATA"


def data_dir() -> Path:
    """The folder for generated data: $PIPELINE_LAB_DATA, else <project>/datasets."""
    configured = os.environ.get(DATA_ENV_VAR)
    return Path(configured).expanduser().resolve() if configured else PROJECT_ROOT / "datasets"


def sample_dir() -> Path:
    """The sample music dataset the app and lessons share (made by `make data`)."""
    return data_dir() / "music"
