"""An operator's shell for one server of the two-server test: runs `licentia ...` commands
in-process (the real CLI, through Typer's runner) as they arrive on standard input, one JSON line
each (`{"args": [...], "env": {...}}`), and answers `{"exit_code", "stdout", "stderr"}` on one
line. Saves starting Python and Django for every command.

A line `{"call": "module:function", "kwargs": {...}}` runs a setup function of the test in the
server's environment instead (what has no command: people, tokens, submitted applications) and
answers `{"result": ...}` with what it returned, or `{"error": ...}`.

Run as `python -m tests.exchange.operator` with the server's environment.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import traceback
from typing import Any


def main() -> None:
    answers = sys.stdout
    from typer.testing import CliRunner

    from licentia.cli import app
    from licentia.terminal import setup_django

    setup_django()
    runner = CliRunner()
    answers.write(json.dumps({"ready": True}) + "\n")
    answers.flush()
    for line in sys.stdin:
        request = json.loads(line)
        if "call" in request:
            answers.write(json.dumps(call(request["call"], request.get("kwargs", {}))) + "\n")
            answers.flush()
            continue
        saved = {name: os.environ.get(name) for name in request.get("env", {})}
        os.environ.update(request.get("env", {}))
        try:
            result = runner.invoke(app, request["args"], terminal_width=500)
            answer = {
                "exit_code": result.exit_code,
                "stdout": result.stdout,
                "stderr": result.stderr + (repr(result.exception) if result.exit_code else ""),
            }
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
        answers.write(json.dumps(answer) + "\n")
        answers.flush()


def call(target: str, kwargs: dict[str, Any]) -> dict[str, Any]:
    module, _, name = target.partition(":")
    try:
        return {"result": getattr(importlib.import_module(module), name)(**kwargs)}
    except Exception:
        return {"error": traceback.format_exc()}


if __name__ == "__main__":
    main()
