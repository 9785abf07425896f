"""Shared plumbing for the benchmark scripts in bench/.

Every benchmark measures ours against a baseline *side by side in one run* and calls `record`, which
writes `bench/results/<name>.json` (the numbers) and `bench/results/<name>.md` (a section with the
machine, the command and the date), then rebuilds BENCHMARKS.md from every section. Rerunning one
benchmark updates its own section and leaves the others as they were.

BENCHMARKS.md states today's claims; what was tried on the way (levers that did not help, screens, protocol
checks) lives in `bench/results/log/` and is rebuilt into `bench/LAB_LOG.md`, which BENCHMARKS.md links to. A
section moves to the log by moving its two files there (`git mv`); a rerun then records it in the log.
"""
import datetime, json, os, platform, resource, shlex, sys, time
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
