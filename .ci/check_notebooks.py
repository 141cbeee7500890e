"""Every notebook's code, skipped cells included, must parse and use only names it defines or imports (pyflakes)."""
import json, sys
from pathlib import Path
from pyflakes import api, reporter, messages

def notebook_source(path: Path) -> str:
    "All code cells of a notebook, in order, with IPython magics and shell escapes commented out."
    cells = [c for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code"]
    lines = []
    for c in cells:
        for line in "".join(c["source"]).splitlines():
            lines.append("# " + line if line.lstrip().startswith(("%", "!")) else line)
        lines.append("")
    return "\n".join(lines)

class Collect(reporter.Reporter):
    def __init__(self): self.problems = []
    def unexpectedError(self, filename, msg): self.problems.append(f"{filename}: {msg}")
    def syntaxError(self, filename, msg, lineno, offset, text):
        self.problems.append(f"{filename}:{lineno}: syntax error: {msg}")
    def flake(self, message):
        undefined = (messages.UndefinedName, messages.UndefinedExport, messages.UndefinedLocal)
        if isinstance(message, undefined):
            self.problems.append(str(message))

root = Path(__file__).resolve().parent.parent / "nbs"
rep = Collect()
for nb in sorted(root.rglob("*.ipynb")):
    if ".ipynb_checkpoints" in nb.parts: continue
    api.check(notebook_source(nb), str(nb.relative_to(root.parent)), rep)
print("\n".join(rep.problems) or "all notebooks parse and define every name they use")
sys.exit(1 if rep.problems else 0)
