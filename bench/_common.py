"""Shared plumbing for the benchmark scripts in bench/.

Every benchmark measures ours against a baseline *side by side in one run* and calls `record`, which
writes `bench/results/<name>.json` (the numbers) and `bench/results/<name>.md` (a section with the
machine, the command and the date), then rebuilds BENCHMARKS.md from every section. Rerunning one
benchmark updates its own section and leaves the others as they were.

BENCHMARKS.md states today's claims; what was tried on the way (levers that did not help, screens, protocol
checks) lives in `bench/results/log/` and is rebuilt into `bench/LAB_LOG.md`, which BENCHMARKS.md links to. A
section moves to the log by moving its two files there (`git mv`); a rerun then records it in the log.

The rest is the harness the scripts share: `parser` (their command lines, the shared options defined once here),
`torch_threads`, JSON-lines results (`read_rows`, `append_row`), the console scripts in subprocesses (`BIN`,
`quiet_env`, `leftovers`), `cpu_seconds` and `snapshots` (a distillation run's snapshots against its wall-clock).
"""
import argparse, datetime, json, os, platform, resource, shlex, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT/'bench'/'results'
LOG = RESULTS/'log'   # sections of what was tried: bench/LAB_LOG.md
INTRO = """# Benchmarks

Measured results of `bench/`: today's claims, each section with the machine, the exact command (run from the
repository root) and the date; ratios are measured side by side in one run. `bash bench/run_all` regenerates
every section; one script (e.g. `python bench/train_throughput.py`) regenerates its own. What was tried on the way
— levers that did not help, screens, protocol checks — is in the [lab log](bench/LAB_LOG.md).
"""
LOG_INTRO = """# Lab log

What was measured on the way to the claims of [BENCHMARKS.md](../BENCHMARKS.md): levers that did not help, screens
and protocol checks, each with its machine, command and date. Claims live in BENCHMARKS.md, not here.
"""


def machine() -> str:
    "One line naming the machine: CPU model and cores, or the GPU."
    import torch
    if torch.cuda.is_available(): return f"{torch.cuda.get_device_name(0)} (torch {torch.__version__})"
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path('/proc/cpuinfo').read_text().splitlines():
            if line.startswith('model name'): cpu = line.split(':', 1)[1].strip(); break
    except OSError: pass
    return f"{cpu}, {os.cpu_count()} cores, torch {torch.__version__}, threads {torch.get_num_threads()}"


def peak_rss_mb() -> float:
    "Peak resident memory of this process so far, in MiB (Linux reports KiB)."
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Timer:
    "`with Timer() as t: ...` then `t.seconds`."
    def __enter__(self): self.start = time.perf_counter(); return self
    def __exit__(self, *exc): self.seconds = time.perf_counter() - self.start


def record(name: str, title: str, markdown: str, data: dict, command: str | None = None):
    "Save one benchmark's numbers and its Markdown section, then rebuild BENCHMARKS.md."
    RESULTS.mkdir(parents=True, exist_ok=True)
    folder = LOG if (LOG/f'{name}.md').exists() else RESULTS   # a section moved to the lab log stays there
    command = command or 'python ' + shlex.join([os.path.relpath(sys.argv[0], ROOT), *sys.argv[1:]])   # quoted: globs and spaces survive a paste
    date = datetime.date.today().isoformat()
    meta = {'name': name, 'title': title, 'command': command, 'machine': machine(), 'date': date}
    (folder/f'{name}.json').write_text(json.dumps({**meta, 'results': data}, indent=2, default=str) + '\n')
    section = (f"## {title}\n\n- command: `{command}`\n- machine: {meta['machine']}\n- date: {date}\n\n"
               f"{markdown.strip()}\n")
    (folder/f'{name}.md').write_text(section)
    rebuild()
    print(section)


def rebuild():
    "BENCHMARKS.md = intro + every results/*.md section, in name order; bench/LAB_LOG.md the same from results/log/."
    for intro, folder, target in ((INTRO, RESULTS, ROOT/'BENCHMARKS.md'), (LOG_INTRO, LOG, ROOT/'bench'/'LAB_LOG.md')):
        sections = [p.read_text().strip() for p in sorted(folder.glob('*.md'))]
        target.write_text(intro + '\n' + '\n\n'.join(sections) + '\n')


# ---------------------------------------------------------------- command lines
REQUIRED = object()   # `parser(..., data=REQUIRED)`: the option must be given
OPTIONS = {           # the options several scripts share: name → (type, help)
    'data': (str, 'dataset folder (gd_simulate / gd_curate)'),
    'buffers': (str, 'expert buffer folder (gd_buffers)'),
    'out': (str, 'output folder'),
    'name': (str, 'results name (bench/results/NAME.*)'),
    'title': (str, 'what this run claims or what distinguishes it, for the section title'),
    'seed': (int, 'seed'),
    'seeds': (str, 'comma-separated seeds'),
    'threads': (int, 'torch threads (1 is fastest on a shared 2-core machine)'),
    'device': (str, 'cpu or cuda'),
    'size': (int, 'image size in pixels'),
    'width': (int, 'ConvNet width'),
    'depth': (int, 'ConvNet depth'),
    'epochs': (int, 'training epochs'),
    'num_eval': (int, 'fresh networks per evaluation'),
    'per_class': (int, 'train images per class'),
    'test_per_class': (int, 'test images per class'),
    'kills': (int, 'kill -9 cases'),
    'repeats': (int, 'timed runs of each variant (alternating; the median is reported)'),
}


def parser(doc: str, **options) -> argparse.ArgumentParser:
    "A parser described by `doc`'s first line with the shared `options` as name=default (`REQUIRED`, or `(default, help)` for a help of its own)."
    p = argparse.ArgumentParser(description=(doc or '').strip().splitlines()[0] if doc else None)
    for name, default in options.items():
        kind, text = OPTIONS[name]
        if isinstance(default, tuple): default, text = default
        if default is REQUIRED: p.add_argument(f'--{name}', type=kind, required=True, help=text)
        else: p.add_argument(f'--{name}', type=kind, default=default, help=text)
    return p


def torch_threads(n: int | None = None) -> int:
    "Set torch's thread count to `n`, else $OMP_NUM_THREADS, else 1; returns it."
    import torch
    n = n or int(os.environ.get('OMP_NUM_THREADS', '1'))
    torch.set_num_threads(n)
    return n


def default_device() -> str:
    "'cuda' when a GPU is there, else 'cpu' (the default of the throughput scripts' --device)."
    import torch
    return 'cuda' if torch.cuda.is_available() else 'cpu'


# ---------------------------------------------------------------- results kept as JSON lines (resumable grids)
def read_rows(path) -> list:
    "The JSON lines of `path` (none when it does not exist yet)."
    path = Path(path)
    return [json.loads(l) for l in path.read_text().splitlines() if l.strip()] if path.exists() else []


def append_row(path, row: dict):
    "Append `row` to the JSON-lines file `path` (one run per line: a split or stopped grid resumes)."
    with open(path, 'a') as f: f.write(json.dumps(row) + '\n')


# ---------------------------------------------------------------- console scripts in subprocesses
BIN = Path(sys.executable).parent   # the gd_* console scripts installed beside this interpreter


def quiet_env(**extra) -> dict:
    "This process's environment without progress bars (`GD_PROGRESS=0`), plus `extra`."
    return {**os.environ, 'GD_PROGRESS': '0', **extra}


def leftovers(root: Path) -> list:
    "What an interrupted command may leave under `root`: temporary files and partial checkpoints (or files inside one)."
    return sorted(str(p.relative_to(root)) for p in Path(root).rglob('*')
                  if p.name.endswith('.tmp') or any(part.endswith('.partial') for part in p.relative_to(root).parts))


def cpu_seconds(children: bool = True) -> float:
    "User+sys CPU time of this process (and of its reaped children with `children`)."
    usage = [resource.getrusage(resource.RUSAGE_SELF)] + ([resource.getrusage(resource.RUSAGE_CHILDREN)] if children else [])
    return sum(u.ru_utime + u.ru_stime for u in usage)


# ---------------------------------------------------------------- distillation runs
def snapshots(run, every: int = 1) -> list:
    "(iteration, distillation seconds (evaluations excluded), file) of each snapshot of the run folder `run` whose iteration is a multiple of `every`."
    from galaxy_distill.visualize import load_run
    r = load_run(run)
    elapsed = dict(zip(r.metrics['iteration'], r.metrics['elapsed'].fillna(0.))) if r.metrics is not None else {}
    return [(it, float(elapsed.get(it, 0.)), r.snapshots[it]) for it in r.iterations if it % every == 0]
