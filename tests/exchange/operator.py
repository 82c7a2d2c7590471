"""An operator's shell for one server of the two-server test: runs `licentia ...` commands
in-process (the real CLI, through Typer's runner) as they arrive on standard input, one JSON line
each (`{"args": [...], "env": {...}}`), and answers `{"exit_code", "stdout", "stderr"}` on one
line. Saves starting Python and Django for every command.

Run as `python -m tests.exchange.operator` with the server's environment.
"""

from __future__ import annotations

import json
import os
import sys


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


if __name__ == "__main__":
    main()
