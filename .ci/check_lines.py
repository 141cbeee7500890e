"""Every code line of the notebooks (nbs/, assignments/source/), the library and .ci/*.py is at most 120 characters."""
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
    "The notebooks to check: those named in `only` (relative to the current directory), else the project's own."
    if only: return [Path(p).resolve() for p in only]
    found = sorted((root / "nbs").rglob("*.ipynb")) + sorted((root / "assignments" / "source").rglob("*.ipynb"))
    return [p for p in found if ".ipynb_checkpoints" not in p.parts]

def long_script_lines(limit: int = LIMIT):
    "Yield (path, line number, line) for each line of the CI scripts and the library longer than `limit` characters."
    library = [p for p in sorted((root / "adamerging_nb").glob("*.py")) if p.name != "_modidx.py"]   # nbdev's index
    for path in sorted((root / ".ci").glob("*.py")) + library:
        in_all = False                          # nbdev writes and wraps `__all__` itself
        for n, line in enumerate(path.read_text().splitlines(), 1):
            in_all = in_all or line.startswith("__all__ = [")
            if len(line) > limit and not in_all and not line.startswith("# %% "): yield path, n, line
            in_all = in_all and not line.rstrip().endswith("]")

def shown(path: Path) -> str:
    "`path` relative to the repository when it is inside it."
    return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)

parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("--only", nargs="+", metavar="PATH", help="check only these notebooks (no scripts)")
args = parser.parse_args()
problems = 0
for nb in notebooks(args.only):
    for i, line in long_lines(nb):
        problems += 1
        print(f"{shown(nb)}: cell {i}: {len(line)} chars: {line}")
if not args.only:
    for path, n, line in long_script_lines():
        problems += 1
        print(f"{shown(path)}:{n}: {len(line)} chars: {line}")
print(f"{problems} code lines over {LIMIT} characters" if problems else f"no code line over {LIMIT} characters")
sys.exit(1 if problems else 0)
