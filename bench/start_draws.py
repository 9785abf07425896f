"""Does a starting draw's train-split score predict its test accuracy? The check behind the start-draws lever
(measured end to end in BENCHMARKS.md § levers of the fifth session: no gain, so no such option ships).

For each draw seed, the IPC 1 default start (`init='auto'`: a confident real galaxy per class with the experts' final
predictions as soft labels) is scored three ways on the real *train* split — the periodic selection's protocol
(2 networks × 300 epochs at α₀ = 0.03), the evaluation's step-size grid at 300 epochs (one network per step size,
best score) and the same grid at 1000 epochs — and evaluated on the test split by `gd_eval`'s protocol (grid on the
train split, 5 networks × 1000 epochs). The report gives each score's correlation with the test accuracy and what
keeping the best of every 4 consecutive draws would have given. One JSON line per draw, so runs can be split over
processes (`--seeds 0,2,4` and `--seeds 1,3,5` into one file) and resumed.

    python bench/start_draws.py --data D --buffers B --seeds 0,1,2,3,4,5,6,7,8,9,10,11 --out DIR
    python bench/start_draws.py --out DIR --report
"""
import sys
from pathlib import Path
sys.path.insert(0, str(Path(__file__).parent))
from _common import REQUIRED, append_row, parser, read_rows, record, torch_threads  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402
from galaxy_distill.buffers import TrajectoryBuffer  # noqa: E402
from galaxy_distill.data import SynSet, load_dataset  # noqa: E402
from galaxy_distill.distill import student_for  # noqa: E402
from galaxy_distill.settings import make_config  # noqa: E402
from galaxy_distill.starting_set import expert_predictions, initial_synset  # noqa: E402
from galaxy_distill.evaluate import EvalConfig, evaluate_synset, pick_lr  # noqa: E402


def measure(a, path):
    ds, buf = load_dataset(a.data), TrajectoryBuffer(a.buffers)
    net_fn, spec = student_for(buf, 'cpu')
    done = {r['seed'] for r in read_rows(path)}
    for seed in (int(s) for s in a.seeds.split(',')):
        if seed in done: continue
        cfg = make_config(ipc=1, lr_teacher=0.03, seed=seed)[0]
        s = initial_synset(ds, cfg, net_fn, buf)      # the soft labels the run starts from: the experts' final predictions
        syn = SynSet(s.images, s.labels, s.syn_lr, s.classes, s.mean, s.std, s.meta, expert_predictions(net_fn, buf, s.images, buf.epochs))
        select = evaluate_synset(syn, ds, spec, split='train', num_eval=2, epochs=300, lr=0.03, seed=1, show_progress=False).acc_mean
        x, y = syn.images.float(), syn.targets
        _, grid300 = pick_lr('start', [lambda: (x, y)], ds, spec, EvalConfig(grid_eval=1), epochs=300, device=torch.device('cpu'), seed=7, ipc=1)
        test = evaluate_synset(syn, ds, spec, split='test', num_eval=5, epochs=1000, seed=0, show_progress=False)
        row = dict(seed=seed, select=select, grid300=max(v for v in grid300.values() if v is not None),
                   grid1000=max(v for v in test.lr_scores.values() if v is not None), test=test.acc_mean, test_std=test.acc_std, lr=test.lr)
        print(row, flush=True)
        append_row(path, row)


def report(a, path):
    rs = sorted(read_rows(path), key=lambda r: r['seed'])
    t = np.array([r['test'] for r in rs])
    lines = ['| draw seed | selection (2 × 300 epochs) | grid, 300 epochs | grid, 1000 epochs | test (5 × 1000 epochs) |', '|---|---|---|---|---|']
    lines += [f"| {r['seed']} | {100*r['select']:.1f} % | {100*r['grid300']:.1f} % | {100*r['grid1000']:.1f} % | {100*r['test']:.1f} ± {100*r['test_std']:.1f} % |" for r in rs]
    corr = {k: float(np.corrcoef([r[k] for r in rs], t)[0, 1]) for k in ('select', 'grid300', 'grid1000')}
    groups = [rs[i:i + 4] for i in range(0, len(rs) - 3, 4)]
    best = {k: float(np.mean([max(g, key=lambda r: r[k])['test'] for g in groups])) for k in corr}
    md = (f"IPC 1, the default start (confident galaxy + the experts' soft labels); data `{a.data}`, experts `{a.buffers}`. "
          f"{len(rs)} draws: test {100*t.mean():.1f} % on average (std {100*t.std(ddof=1):.1f} points, {100*t.min():.1f}–{100*t.max():.1f} %). "
          f"Correlation with the test accuracy: selection {corr['select']:.2f}, grid at 300 epochs {corr['grid300']:.2f}, "
          f"grid at 1000 epochs **{corr['grid1000']:.2f}**. Keeping the best-scored of each 4 consecutive draws "
          f"({len(groups)} groups): test {', '.join(f'{k} {100*v:.1f} %' for k, v in best.items())} against {100*t.mean():.1f} % for any draw.\n\n"
          + '\n'.join(lines))
    record('start_draws', 'Starting draws at IPC 1: does the train-split score predict the test accuracy?', md, {'rows': rs, 'corr': corr, 'best_of_4': best})


p = parser(__doc__, data=None, buffers=None, out=REQUIRED, seeds=('0,1,2,3,4,5,6,7', 'draw seeds'))
p.add_argument('--report', action='store_true', help='write the section from OUT/start_draws.jsonl and stop')
a = p.parse_args()
torch_threads(1)
path = Path(a.out)/'start_draws.jsonl'; path.parent.mkdir(parents=True, exist_ok=True)
report(a, path) if a.report else measure(a, path)
