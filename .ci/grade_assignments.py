"""Prove the nbgrader assignments' graders in CI: release every assignment, autograde the solutions and the blanks.

For every assignment folder `assignments/source/<name>/` (in a temporary copy of the course, so the tree stays
clean) this runs nbgrader's `generate_assignment` and `autograde` converters and fails loudly unless
  - the released (student) notebooks contain no solution text and no hidden test (the lines between the
    `### BEGIN SOLUTION`/`### END SOLUTION` and `### BEGIN HIDDEN TESTS`/`### END HIDDEN TESTS` markers, and
    the text of hand-graded answer cells);
  - the source notebooks, submitted as they are, get full marks on every autograded test cell and raise no error
    in any cell;
  - the released notebooks, submitted blank, get 0 on every autograded test cell;
  - each deliberately wrong answer in MUTATIONS (a one-line change of a solution) loses points in the test cells
    it names.
It prints, per assignment and submission, the scores and the seconds it took.

It also checks that the student versions committed in assignments/release/ (which Colab opens from GitHub) are
the ones nbgrader generates now; `--update-release` rewrites them.

    python .ci/grade_assignments.py [names ...] [--jobs N] [--keep DIR] [--update-release]
"""
import argparse, json, multiprocessing, os, resource, shutil, sys, tempfile, time
T0 = time.perf_counter()                    # the step's time includes importing nbgrader
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from nbgrader.api import Gradebook          # imported once here: the forked workers share it
from nbgrader.apps import NbGraderAPI
from nbgrader.coursedir import CourseDirectory
from traitlets.config.loader import PyFileConfigLoader

ROOT = Path(__file__).resolve().parent.parent
COURSE = ROOT / "assignments"
MARKERS = {"### BEGIN SOLUTION": "### END SOLUTION", "### BEGIN HIDDEN TESTS": "### END HIDDEN TESTS"}
# assignment -> [(student id, solution line, wrong line, test cells that must lose points)]
MUTATIONS = {
    "02_ties": [("wrong-sign-election", "mass = mass + tv[key]", "mass = mass + torch.sign(tv[key])",
                 ["test_elect_sign", "test_merge"])],
    "03_entropy": [("unstable-entropy", "logp = torch.log_softmax(logits, dim=-1)",
                    "logp = torch.softmax(logits, dim=-1).log()", ["test_entropy"])],
}
SLOW = 120      # seconds: an autograde slower than this is reported (not failed: shared CI machines are noisy)


def nbgrader_meta(cell) -> dict: return cell.get("metadata", {}).get("nbgrader", {})

def graded_cells(nb) -> dict[str, str]:
    "`{grade_id: 'auto' | 'manual'}` of a notebook's graded cells: autograder tests, hand-graded answers."
    out = {}
    for cell in nb["cells"]:
        m = nbgrader_meta(cell)
        if m.get("grade"): out[m["grade_id"]] = "manual" if m.get("solution") else "auto"
    return out

def hidden_text(nb) -> list[str]:
    "The stripped non-empty lines a student must not see: between the markers, and hand-graded answers."
    lines = []
    for cell in nb["cells"]:
        src = "".join(cell["source"]).splitlines()
        if cell["cell_type"] == "markdown":
            if nbgrader_meta(cell).get("solution"): lines += [l.strip() for l in src if l.strip()]
            continue
        end = None
        for line in src:
            s = line.strip()
            if end is None and s in MARKERS: end = MARKERS[s]
            elif s == end: end = None
            elif end is not None and s: lines.append(s)
        if end is not None: raise ValueError(f"cell {nbgrader_meta(cell).get('grade_id')!r}: no {end!r}")
    return lines

def release_problems(source_nb, release_nb) -> list[str]:
    "What the released notebook gives away: marker lines, solution or hidden-test lines."
    released = {l.strip() for c in release_nb["cells"] for l in "".join(c["source"]).splitlines()}
    leaked = [l for l in hidden_text(source_nb) if l in released]
    markers = [m for m in (*MARKERS, *MARKERS.values()) if m in released]
    return [f"marker left in the release: {m!r}" for m in markers] + [f"solution/hidden line released: {l!r}"
                                                                       for l in leaked]

def mutate(files: dict[str, str], old: str, new: str) -> dict[str, str]:
    "The notebooks (`{name: JSON text}`) with the line `old` replaced by `new`; it must occur exactly once in all."
    old_j, new_j = json.dumps(old, ensure_ascii=False)[1:-1], json.dumps(new, ensure_ascii=False)[1:-1]
    count = sum(text.count(old_j) for text in files.values())
    if count != 1: raise ValueError(f"mutation target {old!r} occurs {count} times, not once")
    return {nb: text.replace(old_j, new_j) for nb, text in files.items()}

def cpu_seconds() -> float:
    "CPU time of this process and its finished children (the notebook kernels)."
    return sum(r.ru_utime + r.ru_stime for r in (resource.getrusage(resource.RUSAGE_SELF),
                                                 resource.getrusage(resource.RUSAGE_CHILDREN)))

def errors_in(path: Path) -> list[str]:
    "`cell: error` for every cell of an executed notebook that raised."
    out = []
    for cell in json.loads(path.read_text())["cells"]:
        for o in cell.get("outputs", []):
            if o.get("output_type") == "error":
                out.append(f"{nbgrader_meta(cell).get('grade_id', cell.get('id'))}: {o['ename']}: {o['evalue'][:300]}")
    return out

def grade_assignment(name: str, workdir: str, update_release: bool = False) -> dict:
    "Release and autograde one assignment in `workdir/name`; return its scores, timings and problems."
    course = Path(workdir) / name
    shutil.copytree(COURSE / "source" / name, course / "source" / name)
    shutil.copy(COURSE / "nbgrader_config.py", course)
    shutil.copy(Path(workdir) / "gradebook.db", course)      # an empty gradebook: creating one costs seconds
    log = course / "nbgrader.log"
    os.chdir(course)                    # this worker's files (and any stray log) stay in the temporary course
    with open(log, "w") as f:           # nbgrader's and the kernels' chatter; shown when something fails
        saved = os.dup(2); os.dup2(f.fileno(), 2)
        try: result = _grade(name, course, update_release)
        finally: os.dup2(saved, 2); os.close(saved)
    if result["problems"]: result["log_tail"] = log.read_text().splitlines()[-40:]
    return result

def _grade(name: str, course: Path, update_release: bool) -> dict:
    "`generate_assignment`, the release checks, and `autograde` of each submission, in the course folder `course`."
    wall0, cpu0 = time.perf_counter(), cpu_seconds()
    config = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()
    api = NbGraderAPI(coursedir=CourseDirectory(config=config, root=str(course)), config=config)
    out = {"name": name, "problems": [], "submissions": {}}
    t = time.perf_counter()
    r = api.generate_assignment(name)
    out["generate_s"] = time.perf_counter() - t
    if not r["success"]: return out | {"problems": [f"generate_assignment failed:\n{r.get('error') or r.get('log')}"]}
    notebooks = sorted(p.name for p in (course / "source" / name).glob("*.ipynb"))
    source = {nb: (course / "source" / name / nb).read_text() for nb in notebooks}
    release = {nb: (course / "release" / name / nb).read_text() for nb in notebooks}
    for nb in notebooks:                 # the committed student versions (Colab opens them from GitHub)
        committed = COURSE / "release" / name / nb
        if update_release:
            committed.parent.mkdir(parents=True, exist_ok=True)
            committed.write_text(release[nb])
        elif not committed.exists() or committed.read_text() != release[nb]:
            out["problems"].append(f"{committed.relative_to(ROOT)} is missing or stale: run "
                                   "`python .ci/grade_assignments.py --update-release` and commit it")
    kinds = {nb: graded_cells(json.loads(source[nb])) for nb in notebooks}
    if not any("auto" in k.values() for k in kinds.values()): out["problems"].append("no autograded test cell")
    for nb in notebooks:
        out["problems"] += [f"{nb}: {p}" for p in release_problems(json.loads(source[nb]), json.loads(release[nb]))]
    submissions = {"solution": (source, "full", None), "blank": (release, "zero", None)}
    for student, old, new, cells in MUTATIONS.get(name, []):
        try: submissions[student] = (mutate(source, old, new), "loses", cells)
        except ValueError as e: out["problems"].append(f"{student}: {e}")
    for student, (files, expect, cells) in submissions.items():
        for nb, text in files.items():
            path = course / "submitted" / student / name / nb
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        t, cpu = time.perf_counter(), cpu_seconds()
        r = api.autograde(name, student)
        seconds, cpu = time.perf_counter() - t, cpu_seconds() - cpu
        if not r["success"]:
            out["problems"].append(f"{student}: autograde failed:\n{r.get('error') or r.get('log')}")
            continue
        scores = {}
        with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gb:
            for nb in notebooks:
                sub = gb.find_submission_notebook(nb[:-len(".ipynb")], name, student)
                for g in sub.grades: scores[(nb, g.name)] = (g.auto_score, g.max_score)
        auto = {k: v for k, v in scores.items() if kinds[k[0]].get(k[1]) == "auto"}
        manual = sum(v[1] for k, v in scores.items() if kinds[k[0]].get(k[1]) == "manual")
        got, total = sum(v[0] or 0 for v in auto.values()), sum(v[1] for v in auto.values())
        out["submissions"][student] = dict(score=got, max=total, manual=manual, seconds=seconds, cpu=cpu, expect=expect)
        if expect == "full":
            bad = [f"{c} {s}/{m}" for (_, c), (s, m) in auto.items() if s != m]
            if bad: out["problems"].append(f"solution loses points: {', '.join(bad)}")
            for nb in notebooks:
                errors = errors_in(course / "autograded" / student / name / nb)
                if errors: out["problems"].append(f"solution raises in {nb}: " + "; ".join(errors))
        elif expect == "zero":
            bad = [f"{c} {s}/{m}" for (_, c), (s, m) in auto.items() if s]
            if bad: out["problems"].append(f"blank release scores points: {', '.join(bad)}")
        else:
            bad = [c for c in cells if not any(cc == c and s < m for (_, cc), (s, m) in auto.items())]
            if bad: out["problems"].append(f"wrong answer {student!r} keeps full marks in {bad}")
        if seconds > SLOW: out["problems_slow"] = out.get("problems_slow", []) + [f"{student}: {seconds:.0f} s"]
    return out | {"wall_s": time.perf_counter() - wall0, "cpu_s": cpu_seconds() - cpu0}

def report(result: dict) -> None:
    "Print one assignment's scores, seconds and problems."
    name = result["name"]
    print(f"{name}: generate_assignment {result.get('generate_s', 0):.1f} s, assignment total "
          f"{result.get('wall_s', 0):.1f} s wall, {result.get('cpu_s', 0):.1f} s CPU (with its kernels)")
    for student, s in result["submissions"].items():
        manual = f" (+{s['manual']:g} hand-graded)" if s["manual"] else ""
        print(f"  {student:<20} autograded {s['score']:g}/{s['max']:g}{manual:<18} expected {s['expect']:<5}  "
              f"{s['seconds']:5.1f} s wall, {s['cpu']:5.1f} s CPU")
    for p in result.get("problems_slow", []): print(f"  WARNING slower than {SLOW} s: {p}")
    for p in result["problems"]: print(f"  FAIL {p}")
    if result["problems"]: print("  last lines of its nbgrader log:", *result.get("log_tail", []), sep="\n    ")

def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("names", nargs="*", help="assignments to grade (default: every folder in assignments/source)")
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1), help="assignments graded at once")
    parser.add_argument("--keep", help="grade in this folder and keep it (default: a temporary folder, removed)")
    parser.add_argument("--update-release", action="store_true",
                        help="write the generated student versions to assignments/release/ (else: check them)")
    args = parser.parse_args(argv)
    names = args.names or sorted(p.name for p in (COURSE / "source").iterdir() if list(p.glob("*.ipynb")))
    missing = [n for n in names if not (COURSE / "source" / n).is_dir()]
    if missing: parser.error(f"no assignment folder {missing} in {COURSE / 'source'}")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("ADAMERGING_CACHE", str(ROOT / ".cache" / "adamerging_nb"))
    os.environ.setdefault("MPLBACKEND", "Agg")
    if args.jobs > 1:   # kernels side by side: one thread each, as the notebook tests run
        for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS"): os.environ[var] = "1"
    workdir = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="adamerging_grading_"))
    workdir.mkdir(parents=True, exist_ok=True)
    with Gradebook(f"sqlite:///{workdir / 'gradebook.db'}"): pass      # the empty gradebook every course copies
    try:
        order = sorted(names, key=lambda n: -(COURSE / "source" / n).stat().st_size)  # a rough guess: long first
        with ProcessPoolExecutor(args.jobs, mp_context=multiprocessing.get_context("fork")) as pool:
            results = dict(zip(order, pool.map(grade_assignment, order, [str(workdir)] * len(order),
                                               [args.update_release] * len(order))))
    finally:
        if not args.keep: shutil.rmtree(workdir, ignore_errors=True)
    failed = False
    for name in names:
        report(results[name])
        failed |= bool(results[name]["problems"])
    cpu = sum(r.get("cpu_s", 0) for r in results.values())
    print(f"graded {len(names)} assignments in {time.perf_counter() - T0:.1f} s wall ({args.jobs} at a time), "
          f"{cpu:.1f} s CPU")
    if failed: print("FAILED: see the FAIL lines above")
    return 1 if failed else 0

if __name__ == "__main__":
    sys.exit(main())
