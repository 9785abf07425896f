"""Which snapshot should a distillation keep? Every snapshot of finished `gd_distill` runs scored by several train-split
rules and by the test protocol, and the test accuracy each rule would have kept.

A run keeps the snapshot its periodic evaluation scores best on the real *train* split (`--num_eval` networks for
`--eval_epochs` at the learned step size α; the demo's: 2 × 300). That score is noisy, and at 64² its noise is as
large as the levers tried (lab log § The discovery scale). This script rescores each snapshot:

- `select@E`: the run's own rule (`distill.train_accuracy_evaluator`: its networks, seeds and α) at E epochs; at the
  run's own E it must equal the score `metrics.csv` recorded (checked: the script stops otherwise);
- `grid`: the best train-split score of the evaluation's own step-size grid (one network per step size × 1000 epochs),
  which the test protocol computes anyway;
- `test`: `gd_eval`'s protocol on the test split (`--test_eval` networks × 1000 epochs at the grid's step size).

The report gives, per run, each snapshot's scores and, per rule, the snapshot it keeps and that snapshot's test
accuracy, then each rule's mean over the runs beside the last snapshot's and the best (an oracle no rule can beat).
One JSON line per snapshot in `--out`, so runs can be split over processes and resumed.

    python bench/selection.py --runs R0 R1 R2 --epochs 300,1000 --out DIR        # measure (one process per run is fine)
    python bench/selection.py --runs R0 R1 R2 --data D --test_seed 0 --out DIR    # runs evaluated as bench/real_galaxies.sh does
    python bench/selection.py --runs R0 R1 R2 --epochs 300,1000 --out DIR --report --name NAME
"""
import dataclasses, sys
from pathlib import Path
sys.path.insert(0, str(Path(__file__).parent))
from _common import REQUIRED, append_row, parser, read_rows, record, snapshots, torch_threads  # noqa: E402

import numpy as np  # noqa: E402
from galaxy_distill.core import load_json  # noqa: E402
from galaxy_distill.data import SynSet, load_dataset  # noqa: E402
from galaxy_distill.distill import train_accuracy_evaluator  # noqa: E402
from galaxy_distill.evaluate import EvalConfig, evaluate_synset, model_spec_for  # noqa: E402
from galaxy_distill.settings import DistillConfig  # noqa: E402
from galaxy_distill.visualize import load_run  # noqa: E402


def run_config(run) -> dict:
    "The run's recorded `gd_distill` options (its config.json)."
    return load_json(Path(run)/'config.json')['config']


def recorded_scores(run) -> dict:
    "Iteration → the train-split score the run recorded at it."
    m = load_run(run).metrics
    m = m[m['train_acc'].notna()]
    return {int(i): float(a) for i, a in zip(m['iteration'], m['train_acc'])}


def measure(a, path):
    done = {(r['run'], r['iteration']) for r in read_rows(path)}
    epochs = [int(e) for e in a.epochs.split(',')]
    for run in a.runs:
        c = run_config(run)
        ds = load_dataset(a.data or c['data'])
        fields = {f.name for f in dataclasses.fields(DistillConfig)}
        cfg = DistillConfig(**{k: v for k, v in c.items() if k in fields})
        recorded = recorded_scores(run)
        for it, _, file in snapshots(run):
            if (str(run), it) in done: continue
            syn = SynSet.load(file)
            spec = model_spec_for(syn.meta.get('model_spec'), ds)
            row = dict(run=str(run), seed=cfg.seed, iteration=it, recorded=recorded.get(it))
            for e in epochs:
                score = train_accuracy_evaluator(ds, spec, dataclasses.replace(cfg, eval_epochs=e), 'cpu')(syn)
                if e == cfg.eval_epochs and row['recorded'] is not None and score != row['recorded']:
                    sys.exit(f"{run} iteration {it}: the rescored selection ({score}) differs from the recorded one ({row['recorded']})")
                row[f'select@{e}'] = score
            test = evaluate_synset(syn, ds, spec, split='test', num_eval=a.test_eval, epochs=1000, augment=cfg.augment,
                                   config=EvalConfig(grid_eval=1, workers=1), seed=cfg.seed if a.test_seed is None else a.test_seed,
                                   show_progress=False)
            row.update(grid=max(v for v in test.lr_scores.values() if v is not None), test=test.acc_mean, test_std=test.acc_std,
                       test_lr=test.lr)
            print(row, flush=True)
            append_row(path, row)


def report(a, path):
    rows = read_rows(path)
    runs = [str(r) for r in a.runs]
    upto = a.upto if a.upto is not None else float('inf')   # a shorter run: its snapshots are the first ones of a longer one
    by_run = {r: sorted((x for x in rows if x['run'] == r and x['iteration'] <= upto), key=lambda x: x['iteration']) for r in runs}
    missing = [r for r, xs in by_run.items() if len(xs) < len([it for it, *_ in snapshots(r) if it <= upto])]
    if missing: sys.exit(f"not every snapshot measured yet: {missing}")
    rules = [f'select@{e}' for e in a.epochs.split(',')] + ['grid']   # select@E at the runs' own E is the rule they used
    lines = []
    for r, xs in by_run.items():
        lines += [f"**{r}** (seed {xs[0]['seed']})", '',
                  '| iteration | ' + ' | '.join(rules) + ' | test (± std over networks) |', '|---' * (len(rules) + 2) + '|']
        lines += [f"| {x['iteration']} | " + ' | '.join(f"{100*x[k]:.1f}" if x.get(k) is not None else '–' for k in rules)
                  + f" | {100*x['test']:.1f} ± {100*x['test_std']:.1f} |" for x in xs]
        lines.append('')
    picks = {k: [max(xs, key=lambda x: (x[k] if x.get(k) is not None else -1, -x['iteration'])) for xs in by_run.values()]
             for k in rules}   # ties: the earlier snapshot, as the runs themselves keep
    picks['last snapshot'] = [xs[-1] for xs in by_run.values()]
    kept = {k: [x['test'] for x in xs] for k, xs in picks.items()}
    kept['best on test (oracle)'] = [max(x['test'] for x in xs) for xs in by_run.values()]
    corr = {k: float(np.mean([np.corrcoef([x[k] for x in xs], [x['test'] for x in xs])[0, 1] for xs in by_run.values()]))
            for k in rules if all(x.get(k) is not None for xs in by_run.values() for x in xs)}
    checks = [f"select@{max(int(e) for e in a.epochs.split(','))}", 'grid']   # train-split scores of other networks
    def check_cell(rule, check):
        if rule not in picks or rule == check: return '–'
        return f"{100*np.mean([x[check] for x in picks[rule]]):.1f}"
    lines += ['| rule | kept snapshots (iterations) | ' + ' | '.join(f'their {c} score (train split)' for c in checks)
              + ' | test accuracy of the kept snapshot, per run | mean | correlation with test within a run (mean) |',
              '|---' * (5 + len(checks)) + '|']
    lines += [f"| {k} | {' / '.join(str(x['iteration']) for x in picks[k]) if k in picks else '–'} | "
              + ' | '.join(check_cell(k, c) for c in checks)
              + f" | {' / '.join(f'{100*v:.1f}' for v in vs)} | **{100*np.mean(vs):.1f} %** | {f'{corr[k]:.2f}' if k in corr else '–'} |"
              for k, vs in kept.items()]
    md = (f"Every snapshot{f' up to iteration {a.upto} (what a run of {a.upto} iterations evaluates)' if a.upto else ''} of "
          f"{len(runs)} runs; `select@E`: the run's rule at E epochs (its networks, seeds and α; at the runs' own "
          f"{run_config(runs[0])['eval_epochs']} epochs the score each run recorded and chose by); `grid`: the evaluation grid's best train-split score; test: "
          f"{a.test_eval} networks × 1000 epochs at the grid's step size (`gd_eval`'s protocol). Scores in % of the train "
          f"split. The kept snapshots' scores under the other rules are train-split checks of each rule on networks it did not "
          f"choose by (– where they are its own).\n\n" + '\n'.join(lines))
    record(a.name, a.title or 'Snapshot selection rules against the test split', md,
           {'rows': rows, 'kept': kept, 'correlation': corr})


if __name__ == '__main__':
    p = parser(__doc__, out=REQUIRED, threads=1, name='selection', title=None)
    p.add_argument('--runs', nargs='+', required=True, help='gd_distill run folders (with snapshots/)')
    p.add_argument('--data', default=None, help='dataset folder (default: the one each run recorded)')
    p.add_argument('--epochs', default='300,1000', help='epochs of the rescored selection rule, comma-separated')
    p.add_argument('--test_eval', type=int, default=5, help='test networks per snapshot')
    p.add_argument('--test_seed', type=int, default=None, help="seed of the test protocol (default: the run's; gd_demo's gd_eval uses it)")
    p.add_argument('--report', action='store_true', help='write the report from what --out holds')
    p.add_argument('--upto', type=int, default=None, help='report on the snapshots up to this iteration only (a shorter run)')
    a = p.parse_args()
    torch_threads(a.threads)
    Path(a.out).mkdir(parents=True, exist_ok=True)
    path = Path(a.out)/'rows.jsonl'
    report(a, path) if a.report else measure(a, path)
