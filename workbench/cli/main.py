"""Entry point of the ``workbench`` command.

Each command module registers its subcommands with ``register(subparsers)`` and sets
``func=run`` (``run(args) -> int``). Errors a person can act on are printed as one sentence on
stderr with exit code 2; ``WORKBENCH_DEBUG=1`` shows tracebacks of unexpected errors.
"""
from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
import traceback

from .. import APP_NAME, __version__, collector
from ..errors import WorkbenchError, file_error
from . import terminal

# Command modules under workbench.cli, in the order their commands are listed in --help.
MODULES: list[str] = [
    "core",
    "settings",
    "exports",
    "metrics",
    "people",
    "champions",
    "reports",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="workbench",
        description=f"{APP_NAME}: import community exports, join identities, measure community health, "
                    "run a champion programme, and export reports. With no command, opens the window.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in MODULES:
        importlib.import_module(f"{__package__}.{name}").register(sub)
    return parser


def _chosen(parser: argparse.ArgumentParser, args: argparse.Namespace) -> argparse.ArgumentParser:
    """The (sub)command parser that ``args`` came through: ``workbench champions candidates``'s own."""
    for action in parser._actions:  # noqa: SLF001 - argparse keeps its subcommands only there
        if isinstance(action, argparse._SubParsersAction) and getattr(args, action.dest, None) in action.choices:  # noqa: SLF001
            return _chosen(action.choices[getattr(args, action.dest)], args)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if not getattr(args, "func", None):
        args, extra = parser.parse_known_args(["gui", *argv])
    if extra:  # said by the command they were given to, with its usage (not the top level's)
        _chosen(parser, args).error(f"unrecognized arguments: {' '.join(extra)}")
    # A command does one piece of work and exits: its collector is set for bulk work meanwhile (a
    # report of 379,000 messages took 2.9-3.2 s rather than 3.6); the window keeps Python's defaults.
    work = contextlib.nullcontext() if args.command == "gui" else collector.bulk_work()
    with contextlib.nullcontext() if args.command == "gui" else terminal.shown_safely():
        return _run(args, work)


def _run(args: argparse.Namespace, work: contextlib.AbstractContextManager) -> int:
    try:
        with work:
            return int(args.func(args) or 0)
    except WorkbenchError as exc:
        print(f"workbench: {exc.message}", file=sys.stderr)
        if exc.details:
            print(exc.details, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("workbench: interrupted; nothing was changed by the unfinished command.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except OSError as exc:  # a file that cannot be read or written: its name and why, in a sentence
        print(f"workbench: {file_error(exc)}", file=sys.stderr)
        return 2
    except Exception as exc:  # noqa: BLE001 - the last line of defence: a sentence, not a traceback
        if os.environ.get("WORKBENCH_DEBUG"):
            traceback.print_exc()
        print(f"workbench: unexpected error: {exc.__class__.__name__}: {exc} "
              "(set WORKBENCH_DEBUG=1 for details).", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
