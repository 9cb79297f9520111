"""The README documents every command, and every command has help (docs cannot drift)."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

from cli.main import app

README = (Path(__file__).resolve().parent.parent / "README.md").read_text("utf-8")
COMMANDS = sorted(typer.main.get_command(app).commands)  # type: ignore[attr-defined]


def test_the_cli_has_the_commands_of_the_spec():
    assert {"extract", "run", "serve", "tasks", "export", "eval", "show", "browse"} <= set(COMMANDS)


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_is_in_the_readme_and_has_help(name):
    assert f"speechtasks {name}" in README
    out = CliRunner().invoke(app, [name, "--help"])
    assert out.exit_code == 0 and "Usage" in out.output
