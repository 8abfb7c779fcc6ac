#!/usr/bin/env python3
"""Benchmark: finding the computer's fonts for the characters a PDF's DejaVu Sans has no glyph for.

    .venv/bin/python benchmarks/font_search_bench.py [--fonts 500]

A PDF of a community with an emoji or a Chinese name in it looks through every font of the
computer for one that draws them (a Mac has about 700 font files). This puts ``--fonts`` font
files (copies of the TrueType fonts found here, under new names) in the fonts folder of a fresh
home, then times the search in a fresh process three times: with no cache (the first PDF after
installing), with the cache of the fonts' characters (every later PDF), and after one font
changed. Target: a PDF made after the first waits well under a second for the search.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEARCH = """
import time
from workbench.reports.fonts import fonts_with
t = time.perf_counter()
found = fonts_with({"\U0001F680", "\u674E"})
print(f"{time.perf_counter() - t:.3f} {len(found)}")
"""


def fonts_here() -> list[Path]:
    import matplotlib

    found = [Path(p) for p in Path(matplotlib.get_data_path()).glob("fonts/ttf/*.ttf")]
    for folder in (Path("/usr/share/fonts"), Path("/Library/Fonts"), Path("C:/Windows/Fonts")):
        if folder.is_dir():
            found += folder.rglob("*.ttf")
    return sorted(found)


def timed(home: Path, workbench_home: Path) -> tuple[float, int]:
    env = {**os.environ, "HOME": str(home), "WORKBENCH_HOME": str(workbench_home)}
    out = subprocess.run([sys.executable, "-c", SEARCH], env=env, cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout.split()
    return float(out[0]), int(out[1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fonts", type=int, default=500, help="font files in the fonts folder (default 500)")
    args = parser.parse_args()
    sources = fonts_here()
    with tempfile.TemporaryDirectory(prefix="wb-fonts-") as tmp:
        home, workbench_home = Path(tmp) / "home", Path(tmp) / "workbench"
        folder = home / ".local" / "share" / "fonts"
        folder.mkdir(parents=True)
        size = 0
        for i in range(args.fonts):
            target = folder / f"Font{i:04d}.ttf"
            shutil.copyfile(sources[i % len(sources)], target)
            size += target.stat().st_size
        print(f"{args.fonts} font files ({size / 2**20:,.0f} MB) in the fonts folder")
        cold, found = timed(home, workbench_home)
        print(f"first search (no cache):      {cold:6.2f} s ({found} font found for the characters)")
        warm, _ = timed(home, workbench_home)
        print(f"later search (cache kept):    {warm:6.2f} s")
        with (folder / "Font0000.ttf").open("ab") as f:
            f.write(b"\0")  # a font changed since: read again, alone
        changed, _ = timed(home, workbench_home)
        print(f"after one font changed:       {changed:6.2f} s")
        print(f"target: later searches well under 1 s: {'met' if warm < 1 and changed < 1 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
