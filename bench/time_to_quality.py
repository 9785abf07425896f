"""Time to quality: test accuracy of every snapshot of distillation runs against their distillation wall-clock.

Reads run folders written by `bench/distill_levers.py` or `gd_distill` (`metrics.csv` with the `elapsed` column and
`snapshots/synset_<iteration>.safetensors`), evaluates each snapshot on the test split with the evaluation protocol of
`gd_eval` (step size from the grid, chosen on the train split), and reports, per method, the distillation seconds
(evaluations excluded) at which the mean over runs first reaches `--target` × the full-data accuracy. Writes a figure
`bench/results/time_to_quality.png` and the BENCHMARKS.md section.

    python bench/time_to_quality.py --data D --full 0.785 --runs 'STM::/tmp/final/STM*' 'MTT::/tmp/final/MTT*'
"""
import glob, json, sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import REQUIRED, RESULTS, parser, record, snapshots, torch_threads  # noqa: E402

import numpy as np

from galaxy_distill.data import SynSet, load_dataset
from galaxy_distill.evaluate import EvalConfig, evaluate_synset


CACHE = Path(__file__).parent/'.cache'/'time_to_quality.json'   # snapshot evaluations already done (bench/.cache is ignored)


def curve(folder, ds, a, cache):
    "Test accuracy and step size of every `--every`-th snapshot of the run `folder`, against its distillation seconds."
    out = []
    for it, seconds, p in snapshots(folder, a.every):
        key = f"{p.resolve()}:{p.stat().st_mtime_ns}:{a.num_eval}:{a.grid_eval}:{a.epochs}"
        if key not in cache:
            r = evaluate_synset(SynSet.load(p), ds, split='test', num_eval=a.num_eval, epochs=a.epochs, device='cpu', seed=0,
                                config=EvalConfig(grid_eval=a.grid_eval), show_progress=False)
            cache[key] = (r.acc_mean, r.lr)
            CACHE.parent.mkdir(parents=True, exist_ok=True); CACHE.write_text(json.dumps(cache))
        acc, lr = cache[key]
        out.append({'iteration': it, 'seconds': seconds, 'test_acc': acc, 'lr': lr})
        print(folder, it, round(acc, 3), flush=True)
    return out


def main():
    p = parser(__doc__, data=REQUIRED)
    p.add_argument('--runs', nargs='+', required=True, help='LABEL::GLOB of run folders')
    p.add_argument('--full', type=float, required=True, help='full-data test accuracy of the same protocol (fraction)')
    p.add_argument('--target', type=float, default=0.7); p.add_argument('--num_eval', type=int, default=2)
    p.add_argument('--grid_eval', type=int, default=1); p.add_argument('--epochs', type=int, default=300)
    p.add_argument('--every', type=int, default=1, help='evaluate only snapshots whose iteration is a multiple of this')
    p.add_argument('--cache', default=None, help='JSON file of snapshot evaluations (default bench/.cache/time_to_quality.json); '
                   'give each of several parallel processes its own, then merge them into the default')
    a = p.parse_args()
    global CACHE
    if a.cache: CACHE = Path(a.cache)
    torch_threads()
    ds = load_dataset(a.data)
    curves, cache = {}, (json.loads(CACHE.read_text()) if CACHE.exists() else {})
    for spec in a.runs:
        label, pattern = spec.split('::', 1)
        folders = sorted(glob.glob(pattern))
        if not folders: sys.exit(f"no run folder matches {pattern!r}")
        curves[label] = {f: curve(f, ds, a, cache) for f in folders}
    lines = ['| method | runs | test accuracy by distillation time (mean over runs) | first ≥ target | best |', '|---|---|---|---|---|']
    import matplotlib; matplotlib.use('Agg'); import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(6, 3.5))
    summary = {}
    for label, runs in curves.items():
        iters = sorted({c['iteration'] for cs in runs.values() for c in cs})
        rows = [(it, np.mean([c['seconds'] for cs in runs.values() for c in cs if c['iteration'] == it]),
                 np.mean([c['test_acc'] for cs in runs.values() for c in cs if c['iteration'] == it])) for it in iters]
        hit = next(((it, s) for it, s, acc in rows if acc >= a.target * a.full), None)
        summary[label] = {'first_hit_seconds': hit[1] if hit else None, 'first_hit_iteration': hit[0] if hit else None,
                          'best': max(r[2] for r in rows)}
        cells = ', '.join(f"{s:.0f} s: {100*acc:.1f}" for it, s, acc in rows)
        lines.append(f"| {label} | {len(runs)} | {cells} | {'%.0f s (iteration %d)' % (hit[1], hit[0]) if hit else 'not reached'} | "
                     f"{100*summary[label]['best']:.1f} |")
        ax.plot([r[1] for r in rows], [100 * r[2] for r in rows], marker='o', label=label)
    ax.axhline(100 * a.target * a.full, color='grey', ls='--', lw=0.8, label=f'{a.target:.0%} of full data')
    ax.set_xlabel('distillation seconds (evaluations excluded)'); ax.set_ylabel('test accuracy (%)'); ax.legend(fontsize=8)
    fig.tight_layout(); RESULTS.mkdir(parents=True, exist_ok=True); fig.savefig(RESULTS/'time_to_quality.png', dpi=110)
    md = '\n'.join(lines) + f"""

Snapshots evaluated on the test split by {a.num_eval} fresh networks each, {a.epochs} epochs, step size from the grid
chosen on the train split ({a.grid_eval} network per candidate); full data {100*a.full:.1f} %, target {a.target:.0%} of it
= {100*a.target*a.full:.1f} %. Figure: `bench/results/time_to_quality.png`.
"""
    record('time_to_quality', 'Time to quality: STM against MTT', md, {'curves': curves, 'summary': summary, 'args': vars(a)})


if __name__ == '__main__':
    main()
