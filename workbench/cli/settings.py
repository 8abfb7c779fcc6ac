"""``workbench settings``: the workspace's settings, as the window's Workspace ▸ Settings… sets them."""
from __future__ import annotations

import argparse

from .common import add_workspace_arg, open_workspace, print_json, print_table


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("settings", help="the workspace's settings (reporting time zone, question marker, Slack "
                                        "addresses): list them, or set one: workbench settings KEY VALUE")
    add_workspace_arg(p)
    p.add_argument("key", nargs="?", metavar="KEY", help="a setting's key, as the list names it")
    p.add_argument("value", nargs="?", metavar="VALUE", help="its new value (checked before it is kept)")
    p.add_argument("--unset", action="store_true", help="give KEY its default back")
    p.add_argument("--json", action="store_true", help="print JSON: key, label, value, default, default_is")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..errors import WorkbenchError
    from ..settings import find, known

    if args.unset and (args.key is None or args.value is not None):
        raise WorkbenchError("--unset takes a setting's key and no value: workbench settings KEY --unset.")
    new = args.value is not None or args.unset
    with open_workspace(args, create=False) as ws:
        with ws.connect() as conn:
            settings = [find(conn, args.key)] if args.key is not None else known(conn)
        if new:  # checked before anything is written
            ws.set_setting(args.key, None if args.unset else settings[0].check(args.value))
        rows = [{"key": k.key, "label": k.label, "value": ws.get_setting(k.key, None) or None, "default": k.default,
                 "default_is": k.default_is} for k in settings]
    if args.json:
        print_json(rows if args.key is None else rows[0])
        return 0
    if new:
        shown = rows[0]["value"] if rows[0]["value"] is not None else \
            f"{rows[0]['default']} ({rows[0]['default_is']})" if rows[0]["default"] else "none"
        print(f"{rows[0]['label']} ({args.key}): {shown}.")
        return 0
    print_table([{**r, "value": r["value"] if r["value"] is not None else
                  (f"{r['default']} ({r['default_is']})" if r["default"] else "—")} for r in rows],
                ["key", "label", "value"], headers={"key": "Key", "label": "Setting", "value": "Value"})
    return 0
