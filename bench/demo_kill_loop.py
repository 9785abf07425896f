"""Reliability: `gd_demo --scale tiny` killed with SIGKILL at random moments, rerun until done, equals an uninterrupted run.

`gd_demo --scale tiny` first runs uninterrupted. Then, `--kills` times, a fresh folder gets the same command killed
(`kill -9`) after a random delay drawn uniformly over the uninterrupted run's wall-clock — so the kill lands in any
stage: simulation, experts, distillation (before or after a checkpoint, possibly mid-write), evaluation, figures —
and the command is rerun to completion. Each result is compared with the uninterrupted one on what a user keeps: the
rendered dataset, every expert trajectory, the distilled set, every snapshot, the checkpoint's tensors (but the state of
torch's global generator, which no step of the run seeds or draws from; its header holds wall-clock times), `metrics.csv` (all columns but wall-clock times; and no iteration twice) and the results table; and
no temporary or partial file may be left.
"""
import hashlib, os, random, signal, subprocess, sys, tempfile, time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import BIN, leftovers, parser, quiet_env, record

import pandas as pd
from galaxy_distill.core import fingerprint, load_tensors

GD_DEMO = str(BIN/'gd_demo')
TIMING = ('seconds', 'elapsed')


def run(out: Path, kill_after: float | None = None) -> tuple[int | None, float]:
    "Run the tiny demo into `out`; SIGKILL it after `kill_after` s. Returns (exit status or None when killed, seconds)."
    t0 = time.perf_counter()
    proc = subprocess.Popen([GD_DEMO, '--scale', 'tiny', '--out', str(out), '--device', 'cpu'],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=quiet_env(OMP_NUM_THREADS='1'))
    try: code = proc.wait(timeout=kill_after)
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, signal.SIGKILL); proc.wait(); return None, time.perf_counter() - t0
    if code != 0: raise SystemExit(f"gd_demo failed ({code}): {proc.stderr.read().decode()[-2000:]}")
    return code, time.perf_counter() - t0


def digest(path: Path) -> str: return hashlib.sha256(path.read_bytes()).hexdigest()


def kept(out: Path) -> dict:
    "What a user keeps, as comparable values."
    files = sorted(p for p in out.rglob('*') if p.is_file())
    res = {}
    for p in files:
        rel = str(p.relative_to(out))
        if p.name == 'checkpoint.safetensors':   # torch_rng: the process's unseeded global generator, which the run never draws from
            res[rel] = fingerprint(*((k, t) for k, t in sorted(load_tensors(p).items()) if k != 'torch_rng'))
        elif p.suffix == '.safetensors': res[rel] = digest(p)
        elif p.name == 'metrics.csv':
            m = pd.read_csv(p)
            res[rel] = m.drop(columns=[c for c in TIMING if c in m.columns]).to_csv(index=False)
            res[rel + ':duplicates'] = int(m['iteration'].duplicated().sum())
        elif p.name == 'results.csv': res[rel] = pd.read_csv(p).drop(columns=['seconds'], errors='ignore').to_csv(index=False)
    return res


def main():
    a = parser(__doc__, kills=20, seed=0).parse_args()
    rng = random.Random(a.seed)
    with tempfile.TemporaryDirectory() as d:
        clean = Path(d)/'clean'
        _, clean_s = run(clean)
        want = kept(clean)
        delays, outcomes, differ, stray, dupes, rerun_s = [], [], {}, {}, {}, []
        for k in range(a.kills):
            killed = Path(d)/f'killed_{k}'
            delay = rng.uniform(0, clean_s); delays.append(round(delay, 2))
            code, _ = run(killed, kill_after=delay); outcomes.append('killed' if code is None else 'finished')
            rerun_s.append(run(killed)[1])
            got = kept(killed)
            bad = sorted(f for f in set(want) | set(got) if want.get(f) != got.get(f))
            left = leftovers(killed)
            dup = {f: v for f, v in got.items() if f.endswith(':duplicates') and v}
            if bad: differ[delays[-1]] = bad
            if left: stray[delays[-1]] = left
            if dup: dupes[delays[-1]] = dup
    ok = not differ and not stray and not dupes
    final_s = sum(rerun_s) / len(rerun_s)
    data = {'kills': a.kills, 'delays_s': delays, 'outcomes': outcomes, 'uninterrupted_seconds': clean_s,
            'rerun_seconds': rerun_s, 'files_compared': len(want), 'differ': differ, 'leftovers': stray,
            'duplicate_rows': dupes, 'identical': ok}
    md = f"""`gd_demo --scale tiny` (uninterrupted: {clean_s:.1f} s) run {a.kills} times into fresh folders, each killed with SIGKILL after
a random delay uniform over that time ({outcomes.count('killed')} killed, {outcomes.count('finished')} had finished first), then
rerun to completion ({final_s:.1f} s on average: stages finished before the kill are skipped, the interrupted one
restarts from its last checkpoint). Each compared with the uninterrupted run on
{len(want)} kept artefacts (dataset tensors, expert trajectories, distilled set and snapshots, checkpoint tensors,
`metrics.csv` without its wall-clock columns, results table).

| check | result |
|---|---|
| runs with an artefact that differs | {len(differ)}{' ' + str(differ)[:300] if differ else ''} |
| runs with a duplicate iteration in `metrics.csv` | {len(dupes)} |
| runs that left temporary or partial files | {len(stray)} |
| **identical to the uninterrupted run** | **{'yes' if ok else 'no'}** |

Kill delays (s): {', '.join(map(str, delays))}.
"""
    record('demo_kill_loop', 'Reliability: gd_demo killed at random moments, rerun, equals an uninterrupted run', md, data)
    if not ok: raise SystemExit(1)


if __name__ == '__main__':
    main()
