"""The shape the code keeps (issue 15): the apps depend one way, as the import-linter contract
in pyproject.toml says, and no function is more complex than 20 (radon's rank D and worse)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def test_import_linter_contract_is_kept():
    result = subprocess.run(
        [BIN / "lint-imports", "--no-cache"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Apps depend one way KEPT" in result.stdout


def test_the_contract_covers_every_app():
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    for app in ("lti", "accounts", "progress", "classes", "quizzes", "lessons", "glossary", "core"):
        assert f"stressed.{app}" in text, app


def test_no_function_above_complexity_20():
    result = subprocess.run(
        [BIN / "radon", "cc", "-n", "D", "stressed", "-e", "stressed/*/migrations/*"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
