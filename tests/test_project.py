"""Project hygiene that CI enforces: no missing migration, ruff clean."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(*args):
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_every_model_change_has_a_migration():
    result = run(sys.executable, "manage.py", "makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_finds_nothing():
    ruff = Path(sys.executable).with_name("ruff")
    result = run(str(ruff), "check", ".")
    assert result.returncode == 0, result.stdout
    result = run(str(ruff), "format", "--check", ".")
    assert result.returncode == 0, result.stdout


def test_no_template_line_is_longer_than_160_characters():
    long = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "templates").rglob("*.html"))
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if len(line) > 160
    ]
    assert not long, long
