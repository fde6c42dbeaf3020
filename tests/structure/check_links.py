#!/usr/bin/env python3
"""Every relative link in README.md and docs/*.md leads somewhere: the file (or folder) exists,
and a #fragment names a heading of the Markdown file it points into (GitHub's anchors:
lower-cased, punctuation dropped, spaces as hyphens). Links to other sites are not fetched.
Prints every broken link as FILE:LINE: TARGET; exits 1 if there is one.

usage: check_links.py SOURCE_DIR"""
import pathlib
import re
import sys

LINK = re.compile(r"!?\[(?:[^\]\[]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
FENCE = re.compile(r"^\s*(```|~~~)")


def anchor(heading):
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link in a heading counts by its text
    text = text.strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def prose_lines(path):
    """(line number, text) outside fenced code blocks."""
    fenced = False
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            yield number, line


def anchors_of(path, cache={}):
    if path not in cache:
        seen = {}
        found = set()
        for _, line in prose_lines(path):
            m = HEADING.match(line)
            if not m:
                continue
            a = anchor(m.group(2))
            n = seen.get(a, 0)
            seen[a] = n + 1
            found.add(a if n == 0 else f"{a}-{n}")
        cache[path] = found
    return cache[path]


def main():
    root = pathlib.Path(sys.argv[1]).resolve()
    files = [root / "README.md"] + sorted((root / "docs").glob("*.md"))
    broken = []
    checked = 0
    for md in files:
        for number, line in prose_lines(md):
            for m in LINK.finditer(re.sub(r"`[^`]*`", "", line)):
                target = m.group(1)
                if re.match(r"^[a-zA-Z][a-zA-Z+.-]*:", target):
                    continue  # https:, mailto:, file: ...
                checked += 1
                path, _, fragment = target.partition("#")
                dest = md if not path else (md.parent / path).resolve()
                where = f"{md.relative_to(root)}:{number}: {target}"
                if not dest.exists():
                    broken.append(f"{where}: no such file")
                elif fragment and dest.suffix == ".md" and fragment not in anchors_of(dest):
                    broken.append(f"{where}: no heading #{fragment} in {dest.relative_to(root)}")
                elif not str(dest).startswith(str(root)):
                    broken.append(f"{where}: outside the repository")
    for b in broken:
        print(b)
    print(f"checked {checked} relative links in {len(files)} files: {len(broken)} broken")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
