"""Reliability: `gd_demo --scale tiny` killed with SIGKILL at random moments, rerun until done, equals an uninterrupted run.

One folder gets `gd_demo --scale tiny` started `--kills` times and killed (`kill -9`) after a random delay drawn
uniformly over the uninterrupted run's wall-clock — in any stage: simulation, experts, distillation (before or after a
checkpoint, possibly mid-write), evaluation, figures — then run once more to completion. A second folder gets the same
command without interruption. We compare what a user keeps: the rendered dataset, every expert trajectory, the
distilled set, every snapshot, `metrics.csv` (all columns but wall-clock times; and no iteration twice) and the
results table, and check that no temporary or partial file is left.
"""
import argparse, hashlib, os, random, signal, subprocess, sys, tempfile, time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import record

import pandas as pd

GD_DEMO = str(Path(sys.executable).parent/'gd_demo')
TIMING = ('seconds', 'elapsed')


def run(out: Path, kill_after: float | None = None) -> tuple[int | None, float]:
    "Run the tiny demo into `out`; SIGKILL it after `kill_after` s. Returns (exit status or None when killed, seconds)."
    env = {**os.environ, 'GD_PROGRESS': '0', 'OMP_NUM_THREADS': '1'}
    t0 = time.perf_counter()
    proc = subprocess.Popen([GD_DEMO, '--scale', 'tiny', '--out', str(out), '--device', 'cpu'],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
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
        if p.suffix == '.safetensors': res[rel] = digest(p)
        elif p.name == 'metrics.csv':
            m = pd.read_csv(p)
            res[rel] = m.drop(columns=[c for c in TIMING if c in m.columns]).to_csv(index=False)
            res[rel + ':duplicates'] = int(m['iteration'].duplicated().sum())
        elif p.name == 'results.csv': res[rel] = pd.read_csv(p).drop(columns=['seconds'], errors='ignore').to_csv(index=False)
    return res


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--kills', type=int, default=20)
    ap.add_argument('--seed', type=int, default=0)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    with tempfile.TemporaryDirectory() as d:
        clean, killed = Path(d)/'clean', Path(d)/'killed'
        _, clean_s = run(clean)
        delays, outcomes = [], []
        for _ in range(a.kills):
            delay = rng.uniform(0, clean_s); delays.append(round(delay, 2))
            code, _ = run(killed, kill_after=delay); outcomes.append('killed' if code is None else 'finished')
        _, final_s = run(killed)
        want, got = kept(clean), kept(killed)
        leftovers = sorted(str(p.relative_to(killed)) for p in killed.rglob('*')
                           if p.name.endswith('.tmp') or p.suffix == '.partial' or '.partial' in p.parts)
    differ = sorted(k for k in set(want) | set(got) if want.get(k) != got.get(k))
    dupes = {k: v for k, v in got.items() if k.endswith(':duplicates') and v}
    ok = not differ and not leftovers and not dupes
    data = {'kills': a.kills, 'delays_s': delays, 'outcomes': outcomes, 'uninterrupted_seconds': clean_s,
            'final_rerun_seconds': final_s, 'files_compared': len(want), 'differ': differ, 'leftovers': leftovers,
            'duplicate_rows': dupes, 'identical': ok}
    md = f"""`gd_demo --scale tiny` (uninterrupted: {clean_s:.1f} s) killed with SIGKILL {a.kills} times after random delays
uniform over that time ({outcomes.count('killed')} killed, {outcomes.count('finished')} had already finished), then rerun to
completion ({final_s:.1f} s for the last run). Compared with an uninterrupted run: {len(want)} kept artefacts (dataset tensors,
expert trajectories, distilled set and snapshots, checkpoint, `metrics.csv` without its wall-clock columns, results table).

| check | result |
|---|---|
| artefacts that differ | {len(differ)}{' (' + ', '.join(differ[:5]) + ')' if differ else ''} |
| duplicate iterations in `metrics.csv` | {sum(dupes.values()) if dupes else 0} |
| temporary or partial files left | {len(leftovers)} |
| **identical to the uninterrupted run** | **{'yes' if ok else 'no'}** |

Kill delays (s): {', '.join(map(str, delays))}.
"""
    record('demo_kill_loop', 'Reliability: gd_demo killed at random moments, rerun, equals an uninterrupted run', md, data)
    if not ok: raise SystemExit(1)


if __name__ == '__main__':
    main()
