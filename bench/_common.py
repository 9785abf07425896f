"""Shared plumbing for the benchmark scripts in bench/.

Every benchmark measures ours against a baseline *side by side in one run* and calls `record`, which
writes `bench/results/<name>.json` (the numbers) and `bench/results/<name>.md` (a section with the
machine, the command and the date), then rebuilds BENCHMARKS.md from every section. Rerunning one
benchmark updates its own section and leaves the others as they were.
"""
import datetime, json, os, platform, resource, shlex, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT/'bench'/'results'
INTRO = """# Benchmarks

Measured results of `bench/`. Each section says the machine, the exact command (run from the repository
root) and the date; ratios are measured side by side in one run. `bash bench/run_all` regenerates every
section; one script (e.g. `python bench/train_throughput.py`) regenerates its own.
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
    command = command or 'python ' + shlex.join([os.path.relpath(sys.argv[0], ROOT), *sys.argv[1:]])   # quoted: globs and spaces survive a paste
    date = datetime.date.today().isoformat()
    meta = {'name': name, 'title': title, 'command': command, 'machine': machine(), 'date': date}
    (RESULTS/f'{name}.json').write_text(json.dumps({**meta, 'results': data}, indent=2, default=str) + '\n')
    section = (f"## {title}\n\n- command: `{command}`\n- machine: {meta['machine']}\n- date: {date}\n\n"
               f"{markdown.strip()}\n")
    (RESULTS/f'{name}.md').write_text(section)
    rebuild()
    print(section)


def rebuild():
    "BENCHMARKS.md = intro + every results/*.md section, in name order."
    sections = [p.read_text().strip() for p in sorted(RESULTS.glob('*.md'))]
    (ROOT/'BENCHMARKS.md').write_text(INTRO + '\n' + '\n\n'.join(sections) + '\n')
