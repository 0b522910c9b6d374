"""Make JupyterLab (inside the project's venv) open the lessons' text notebooks as notebooks.

Writes the venv's JupyterLab overrides: .md opens with Jupytext's notebook view on a
double-click, and JupyterLab does not reach out to the internet for news or update checks.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

OVERRIDES = {
    "@jupyterlab/docmanager-extension:plugin": {
        "defaultViewers": {"markdown": "Jupytext Notebook", "myst": "Jupytext Notebook"}
    },
    "@jupyterlab/apputils-extension:notification": {
        "checkForUpdates": False,
        "fetchNews": "false",
    },
}


def write_overrides(venv: Path) -> Path:
    """Write overrides.json into the venv's JupyterLab settings folder; return its path."""
    target = venv / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(OVERRIDES, indent=2) + "\n", encoding="utf-8")
    return target


if __name__ == "__main__":
    venv = Path(sys.argv[1] if len(sys.argv) > 1 else ".venv")
    print(f"JupyterLab settings: {write_overrides(venv)}")
