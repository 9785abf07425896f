"""The evaluation table's rows side by side in one pool of workers against one row after another.

`gd_eval --baselines` trains, for every row of its table (the distilled set, full data, random real, class means,
the start set, two herding coresets), a step-size grid and then the reported networks. One row after another, the
two CPU workers idle whenever a row has fewer networks left than workers: while the single full-data network trains,
one core waits for it; a row of five networks on two workers leaves one idle for a network's time. `shared_workers`
hands every row's networks to one pool, so the rows overlap. This script evaluates a `gd_demo` run's distilled set
and baselines both ways in one process, alternating, by the demo's protocol, checks that the two tables are the same
to the last bit (and, where the run holds one, the same as its stored `gd_eval` table), and reports both times.

    python bench/eval_rows.py --run DEMO_RUN          # a gd_demo output folder (data/, buffers/, distill/)
"""
import sys, time
from pathlib import Path
sys.path.insert(0, str(Path(__file__).parent))
from _common import REQUIRED, parser, record, torch_threads  # noqa: E402

import pandas as pd  # noqa: E402
from galaxy_distill.core import load_json  # noqa: E402
from galaxy_distill.data import SynSet, load_dataset  # noqa: E402
from galaxy_distill.evaluate import (EvalConfig, evaluate_baselines, evaluate_synset, model_spec_for, results_table,  # noqa: E402
                                     run_experts, run_start, shared_workers, side_by_side)

COLUMNS = ['set', 'ipc', 'n_images', 'lr', 'epochs', 'num_eval', 'acc_mean', 'acc_std', 'balanced_acc_mean']


def evaluate(run: Path, together: bool, workers: int):
    "The demo's `gd_eval` table of `run` (rows side by side when `together`) and its seconds."
    c = load_json(run/'config.json')['config']
    ds, path = load_dataset(run/'data'), run/'distill'/'synset.safetensors'
    syn = SynSet.load(path)
    spec = model_spec_for(syn.meta.get('model_spec'), ds)
    cfg = EvalConfig(num_eval=c['num_eval'], epochs=c['eval_epochs'], full_epochs=c['full_epochs'], full_num_eval=c['full_num_eval'],
                     grid_eval=c['grid_eval'], augment='galaxy', workers=workers)
    start, experts = run_start(path), run_experts(path, ds, str(run/'buffers'))   # the demo's experts
    tasks = [lambda: [evaluate_synset(syn, ds, spec, config=cfg, seed=c['seed'], show_progress=False)],
             lambda: list(evaluate_baselines(ds, syn.ipc, spec, start=start, experts=experts, config=cfg, seed=c['seed'],
                                             show_progress=False).values())]
    t = time.perf_counter()
    if together:
        with shared_workers(workers): results = [r for rows in side_by_side(tasks) for r in rows]
    else: results = [r for task in tasks for r in task()]
    return results_table(results), time.perf_counter() - t


def main(a):
    run = Path(a.run)
    runs = {'one row after another': [], 'rows side by side': []}
    tables = {}
    for _ in range(a.repeats):
        for name, together in (('rows side by side', True), ('one row after another', False)):
            table, seconds = evaluate(run, together, a.workers)
            runs[name].append(seconds); tables[name] = table
            print(f"{name}: {seconds:.1f} s", flush=True)
    a_, b_ = (tables[k][COLUMNS].reset_index(drop=True) for k in runs)
    same = a_.equals(b_)
    stored = run/'distill'/'eval'/'results.csv'
    as_stored = None
    if stored.is_file():
        s = pd.read_csv(stored)[COLUMNS]
        as_stored = bool(s.equals(b_.astype(s.dtypes.to_dict())))
    base, new = min(runs['one row after another']), min(runs['rows side by side'])
    rows = '\n'.join(f"| {r.set} | {r.n_images} | {100*r.acc_mean:.1f} ± {100*r.acc_std:.1f} % |" for r in b_.itertuples())
    md = (f"`gd_demo` run `{run}` ({len(b_)} rows, the demo's protocol: {load_json(run/'config.json')['config']['num_eval']} networks "
          f"per row after a four-value step-size grid, one full-data network), {a.workers} workers of one torch thread, "
          f"{a.repeats} alternating repeat(s), the fastest of each:\n\n"
          f"| scheduling | seconds | × against one row after another |\n|---|---|---|\n"
          f"| one row after another | {base:.1f} | ×1.00 |\n| rows side by side (`shared_workers`) | {new:.1f} | ×{base / new:.2f} |\n\n"
          f"The same table both ways to the last bit: **{same}**; the same as the run's stored `gd_eval` table: "
          f"**{as_stored}**.\n\n| row | images | accuracy |\n|---|---|---|\n{rows}")
    record(a.name, a.title or 'The evaluation table\'s rows side by side', md,
           {'seconds': runs, 'speedup': base / new, 'identical': same, 'as_stored': as_stored})


if __name__ == '__main__':
    p = parser(__doc__, threads=1, repeats=1, name='eval_rows', title=None)
    p.add_argument('--run', required=True, help='a gd_demo output folder')
    p.add_argument('--workers', type=int, default=2, help='networks trained at once (the cores)')
    a = p.parse_args()
    torch_threads(a.threads)
    main(a)
