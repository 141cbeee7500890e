"""Every code line in every notebook under nbs/ is at most 120 characters (`--only PATH...` checks just those)."""
import argparse, json, sys
from pathlib import Path

LIMIT = 120
root = Path(__file__).resolve().parent.parent

def long_lines(path: Path, limit: int = LIMIT):
    "Yield (cell index, line) for each code-cell line of the notebook at `path` longer than `limit` characters."
    for i, c in enumerate(json.loads(path.read_text())["cells"]):
        if c["cell_type"] != "code": continue
        for line in "".join(c["source"]).splitlines():
            if len(line) > limit: yield i, line

def notebooks(only):
    "The notebooks to check: those named in `only` (relative to the current directory), else every one under nbs/."
    if only: return [Path(p).resolve() for p in only]
    return [p for p in sorted((root / "nbs").rglob("*.ipynb")) if ".ipynb_checkpoints" not in p.parts]

def shown(path: Path) -> str:
    "`path` relative to the repository when it is inside it."
    return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)

parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("--only", nargs="+", metavar="PATH", help="check only these notebooks")
args = parser.parse_args()
problems = 0
for nb in notebooks(args.only):
    for i, line in long_lines(nb):
        problems += 1
        print(f"{shown(nb)}: cell {i}: {len(line)} chars: {line}")
print(f"{problems} code lines over {LIMIT} characters" if problems else f"no code line over {LIMIT} characters")
sys.exit(1 if problems else 0)
