"""Quality levers of distillation, measured one setting at a time on one dataset and one expert buffer.

Each variant is a set of `DistillConfig` overrides (JSON). For every (variant, distillation seed) the run distils
with `distill.distill_folder`, the path of `gd_distill` (selection on the real *train* split, `select_eval` networks every
`eval_every` iterations), then
the selected set is evaluated on the test split by `num_eval` fresh networks with the evaluation protocol of
`gd_eval` (`evaluate.evaluate_synset`: step size chosen from `EvalConfig.lr_grid` on the train split).
`--baselines` adds full data, random real (same IPC) and class means under the same protocol. Results are
appended to a JSON-lines file, one line per run, so a long grid can be split over processes and resumed;
`--report TITLE` turns the file into a BENCHMARKS.md section (mean ± std over networks per seed, mean and
worst over seeds).

    python bench/distill_levers.py --data D --buffers B --out DIR --variants '{"adam": {"image_optimizer": "adam", "lr_img": 0.01}}' --seeds 0,1,2
    python bench/distill_levers.py --data D --buffers B --out DIR --baselines --ipcs 1,10
    python bench/distill_levers.py --out DIR --report levers
"""
import json, sys, time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import REQUIRED, append_row, parser, read_rows as rows, record, torch_threads  # noqa: E402

import numpy as np

from galaxy_distill.buffers import TrajectoryBuffer
from galaxy_distill.data import SynSet, load_dataset
from galaxy_distill.distill import distill_folder, student_for
from galaxy_distill.settings import make_config
from galaxy_distill.evaluate import evaluate_baselines, evaluate_synset


def distil(a, ds, spec, name, over, seed, results):
    cfg, _ = make_config(**{'iterations': a.iterations, 'eval_every': a.eval_every, 'num_eval': a.select_eval,
                            'eval_epochs': a.select_epochs or a.eval_epochs, 'checkpoint_every': 0, **json.loads(a.base), **over, 'seed': seed})
    folder = Path(a.out)/f'{name}_s{seed}'
    t0 = time.perf_counter(); summ = distill_folder(a.data, a.buffers, folder, cfg, 'cpu', show=False)   # gd_distill's own path
    wall = time.perf_counter() - t0
    syn = SynSet.load(folder/'synset.safetensors')
    r = evaluate_synset(syn, ds, spec, split='test', num_eval=a.num_eval, epochs=a.eval_epochs, device='cpu', seed=0,
                        augment=a.eval_augment or cfg.augment, show_progress=False)
    row = {'variant': name, 'seed': seed, 'ipc': cfg.ipc, 'overrides': {**json.loads(a.base), **over}, 'test_acc_mean': r.acc_mean,
           'test_acc_std': r.acc_std, 'test_accs': r.accs, 'eval_lr': r.lr, 'best_train_acc': summ['best_train_acc'],
           'best_iteration': summ['best_iteration'], 'cap': summ['start_epoch_cap'], 'syn_lr': summ['syn_lr'],
           'distill_seconds': summ['distill_seconds'], 'wall_seconds': wall, 'iterations': summ['iterations'],
           'nan_skips': summ['nan_skips'], 'image_std': float(syn.images.std())}
    append_row(results, row)
    print(f"{name} seed {seed}: test {100*r.acc_mean:.1f} ± {100*r.acc_std:.1f} % at lr {r.lr} (train {summ['best_train_acc']} at "
          f"{summ['best_iteration']}, cap {summ['start_epoch_cap']}, α {summ['syn_lr']:.3g}, {wall:.0f} s)", flush=True)


def baselines(a, ds, spec, results):
    ipcs = [int(i) for i in a.ipcs.split(',')]
    res = evaluate_baselines(ds, ipcs, spec, baselines=a.baseline_sets.split(','), num_eval=a.num_eval, epochs=a.eval_epochs, full_epochs=a.full_epochs,
                             augment=a.eval_augment or 'galaxy', device='cpu', seed=0, show_progress=False)
    for k, r in res.items():
        append_row(results, {'variant': f'baseline:{k}', 'seed': None, 'ipc': r.ipc, 'test_acc_mean': r.acc_mean, 'test_acc_std': r.acc_std,
                             'test_accs': r.accs, 'eval_lr': r.lr, 'lr_scores': r.lr_scores, 'epochs': r.epochs,
                             'augment': a.eval_augment or 'galaxy'})
        print(f"baseline {k}: {100*r.acc_mean:.1f} ± {100*r.acc_std:.1f} % at lr {r.lr}", flush=True)


def report(a, results):
    rs = rows(results)
    base = {r['variant'].split(':', 1)[1]: r for r in rs if r['variant'].startswith('baseline:')}
    full = base.get('full', {}).get('test_acc_mean')
    lines = ['| set | IPC | per seed: test accuracy (mean ± std over networks) | mean over seeds | worst seed | × full data |',
             '|---|---|---|---|---|---|']
    by = {}
    for r in rs:
        if not r['variant'].startswith('baseline:'): by.setdefault(r['variant'], []).append(r)
    for name, runs in by.items():
        runs = sorted(runs, key=lambda r: r['seed'])
        means = [r['test_acc_mean'] for r in runs]
        cells = ', '.join(f"s{r['seed']}: {100*r['test_acc_mean']:.1f} ± {100*r['test_acc_std']:.1f}" for r in runs)
        ratio = f"{np.mean(means) / full:.2f}" if full else '–'
        lines.append(f"| {name} | {runs[0].get('ipc', '')} | {cells} | **{100*np.mean(means):.1f}** | {100*min(means):.1f} | {ratio} |")
    for k, r in base.items():
        ratio = f"{r['test_acc_mean'] / full:.2f}" if full else '–'
        lines.append(f"| {k} (lr {r['eval_lr']}) | {r['ipc'] or 'all'} | {100*r['test_acc_mean']:.1f} ± {100*r['test_acc_std']:.1f} | "
                     f"{100*r['test_acc_mean']:.1f} | – | {ratio} |")
    md = '\n'.join(lines) + '\n\nVariants (overrides of `DistillConfig`):\n\n' + '\n'.join(
        f"- `{name}`: `{json.dumps(runs[0]['overrides'])}`; iterations {runs[0]['iterations']}, best iterations "
        f"{[r['best_iteration'] for r in runs]}, final caps {[r['cap'] for r in runs]}, distillation s/iteration "
        f"{np.mean([r['distill_seconds'] / max(r['iterations'], 1) for r in runs]):.3f}" for name, runs in by.items())
    record(a.report, a.title, md + '\n' + (a.note or ''),
           {'rows': rs}, command=f"python bench/distill_levers.py --out {a.out} --results {results} --report {a.report} --note NOTE "
                                 "(each row's runs: the variant commands in the section text)")


def main():
    p = parser(__doc__, data=None, buffers=None, out=REQUIRED, seeds=('0', 'distillation seeds'), num_eval=5,
               title=('Distillation levers: seeds × settings', "the report section's title: what it claims"))
    p.add_argument('--variants', default='{}', help='JSON {name: {DistillConfig overrides}} or a file holding it')
    p.add_argument('--base', default='{}', help='JSON overrides shared by every variant')
    p.add_argument('--iterations', type=int, default=1000)
    p.add_argument('--eval_every', type=int, default=200); p.add_argument('--select_eval', type=int, default=2)
    p.add_argument('--eval_epochs', type=int, default=300)
    p.add_argument('--select_epochs', type=int, default=None, help='epochs of the selection networks (default: --eval_epochs)')
    p.add_argument('--eval_augment', default=None, help='augmentation of the final evaluation (default: the run\'s)')
    p.add_argument('--baselines', action='store_true'); p.add_argument('--ipcs', default='1,10')
    p.add_argument('--full_epochs', type=int, default=100)
    p.add_argument('--baseline_sets', default='full,random,class_mean', help="which baselines (full data is the costliest)")
    p.add_argument('--results', default=None, help='JSON-lines file (default OUT/results.jsonl)')
    p.add_argument('--report', default=None, help='write the BENCHMARKS.md section NAME from the results file and stop')
    p.add_argument('--note', default=None, help='text appended to the report section')
    a = p.parse_args()
    torch_threads()
    results = Path(a.results or Path(a.out)/'results.jsonl'); results.parent.mkdir(parents=True, exist_ok=True)
    if a.report: return report(a, results)
    variants = json.loads(Path(a.variants).read_text() if Path(a.variants).is_file() else a.variants)
    ds = load_dataset(a.data)
    spec = student_for(TrajectoryBuffer(a.buffers), 'cpu')[1]
    if a.baselines and not any(r['variant'].startswith('baseline:') for r in rows(results)): baselines(a, ds, spec, results)
    done = {(r['variant'], r['seed']) for r in rows(results)}
    for name, over in variants.items():
        for seed in map(int, a.seeds.split(',')):
            if (name, seed) not in done: distil(a, ds, spec, name, over, seed, results)


if __name__ == '__main__':
    main()
