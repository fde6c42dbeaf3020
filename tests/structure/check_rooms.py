#!/usr/bin/env python3
"""The daemon's rooms keep to daemon/src/README.md: each room includes only the rooms its row
allows, triagectl (ctl/) only the daemon headers listed there, no include cycle joins two
daemon files, and Boost.Beast stays behind the HTTP server: no file of daemon/ but the
server's three (http/http_server.cpp, http/http_session.cpp, http/server_state.h) includes it, and no test file outside the test support library
(tests/support/). Prints every violation; exits 1 if there is one.

usage: check_rooms.py SOURCE_DIR"""
import pathlib
import re
import sys

ROOMS = {
    "common": set(),
    "intake": {"common"},
    "jobs": {"common"},
    "http": {"common", "intake"},
    "app": {"common", "intake", "jobs", "http"},
}
CTL_ALLOWED = {"intake/ticket_input.h", "intake/mail_ticket.h", "http/access.h", "http/stats_output.h"}
INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)"', re.M)
BEAST = re.compile(r'^\s*#\s*include\s*[<"]boost/beast', re.M)
# The HTTP server, the daemon's only files that speak Beast: the listener, the sessions (which
# turn the wire's messages into http/message.h's) and what the two share.
BEAST_ALLOWED = {"daemon/src/http/http_server.cpp", "daemon/src/http/http_session.cpp",
                 "daemon/src/http/server_state.h"}


def includes(path):
    return INCLUDE.findall(path.read_text(encoding="utf-8"))


def main():
    root = pathlib.Path(sys.argv[1])
    src = root / "daemon" / "src"
    errors = []
    graph = {}
    for path in sorted(src.glob("*/*")):
        if path.suffix not in (".h", ".cpp"):
            continue
        room = path.parent.name
        if room not in ROOMS:
            errors.append(f"{path.relative_to(root)}: room {room!r} is not in daemon/src/README.md")
            continue
        name = f"{room}/{path.name}"
        graph[name] = []
        for inc in includes(path):
            target_room = inc.split("/")[0]
            if target_room not in ROOMS:
                continue
            graph[name].append(inc)
            if target_room != room and target_room not in ROOMS[room]:
                errors.append(f"daemon/src/{name}: includes {inc}, but {room}/ may include only "
                              f"{', '.join(sorted(ROOMS[room])) or 'nothing of the daemon'}")
    for path in sorted((root / "ctl" / "src").glob("*")):
        for inc in includes(path):
            room = inc.split("/")[0]
            if room in ROOMS and room != "common" and inc not in CTL_ALLOWED:
                errors.append(f"ctl/src/{path.name}: includes {inc}, which triagectl may not use")

    for top in ("daemon", "tests"):
        for path in sorted((root / top).rglob("*")):
            rel = path.relative_to(root).as_posix()
            if path.suffix not in (".h", ".hpp", ".cpp") or rel.startswith("tests/support/") or rel in BEAST_ALLOWED:
                continue
            if BEAST.search(path.read_text(encoding="utf-8", errors="replace")):
                errors.append(f"{rel}: includes Boost.Beast, which only the HTTP server's files "
                              f"({', '.join(sorted(BEAST_ALLOWED))}) and tests/support/ may")

    # Cycles: depth-first search over the include graph of the daemon's files.
    state = {}
    def visit(node, stack):
        state[node] = "open"
        stack.append(node)
        for nxt in graph.get(node, []):
            if state.get(nxt) == "open":
                errors.append("include cycle: " + " -> ".join(stack[stack.index(nxt):] + [nxt]))
            elif nxt not in state:
                visit(nxt, stack)
        stack.pop()
        state[node] = "done"
    for node in sorted(graph):
        if node not in state:
            visit(node, [])

    for e in errors:
        print(e)
    print(f"checked {len(graph)} daemon files: {len(errors)} problem(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
