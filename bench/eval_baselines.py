"""Baseline table of the evaluation protocol on the default simulated galaxies.

Full real data, random real subsets of IPC 1 and 10, and the class-mean images, each evaluated with
`num_eval` fresh ConvNets (mean ± std of the test accuracy) on the same protocol `gd_eval` applies to a
distilled set; the wall-clock time of each row is reported beside it. These are the numbers a distilled
set must beat (full data is the ceiling, random real and class means the floor).

    python bench/eval_baselines.py                      # CPU-sized default (see the measured time in the table)
    python bench/eval_baselines.py --data DIR --epochs 1000 --full_epochs 50   # published protocol on your data
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import parser, record, Timer, peak_rss_mb, torch_threads  # noqa: E402

import pandas as pd  # noqa: E402
from galaxy_distill.core import default_device  # noqa: E402
from galaxy_distill.data import load_dataset  # noqa: E402
from galaxy_distill.evaluate import EvalConfig, evaluate_baselines, model_spec_for, results_table  # noqa: E402
from galaxy_distill.simulate import simulate_dataset  # noqa: E402




def main():
    p = parser(__doc__, data=(None, 'dataset folder (default: render the simulated set into --cache)'),
               per_class=(100, 'simulated train images per class'), test_per_class=(50, 'simulated test images per class'),
               size=(32, 'simulated image size'), num_eval=5, depth=3,
               epochs=(100, 'epochs on the small sets (gd_eval default 300, MTT 1000)'),
               width=(32, 'ConvNet width (the published 128 is ~4x slower on CPU)'), threads=1, device='auto', seed=0)
    p.add_argument('--ipc', default='1,10', help='IPCs of the random-real baseline')
    p.add_argument('--full_epochs', type=int, default=10, help='epochs on the full set (gd_eval default 50)')
    p.add_argument('--augment', default='dsa')
    p.add_argument('--model', default='convnet')
    a = p.parse_args()
    torch_threads(a.threads)

    with Timer() as t_data:
        ds = load_dataset(a.data) if a.data else simulate_dataset(a.per_class, a.test_per_class, a.size, seed=a.seed,
                                                                   workers=2, show=False)
    ipcs = [int(k) for k in a.ipc.split(',')]
    cfg = EvalConfig(num_eval=a.num_eval, epochs=a.epochs, full_epochs=a.full_epochs, augment=a.augment)
    dev = default_device(a.device)
    with Timer() as t_all:
        spec = model_spec_for(a.model, ds)
        if a.model == 'convnet': spec.kwargs = {'depth': a.depth, 'width': a.width}
        results = evaluate_baselines(ds, ipcs, spec, config=cfg, device=dev, seed=a.seed, show_progress=False)
    table = results_table(results)
    chance = 1 / ds.num_classes
    rows = [f"| {r.set} | {'' if pd.isna(r.ipc) else int(r.ipc)} | {r.n_images} | {r.lr:g} | {r.epochs} "
            f"| {100*r.acc_mean:.1f} ± {100*r.acc_std:.1f} | {100*r.balanced_acc_mean:.1f} | {r.seconds:.1f} |"
            for r in table.itertuples()]
    md = (f"Dataset: {ds!r} (fingerprint {ds.fingerprint()}), chance {100*chance:.1f} %; model `{a.model}`, "
          f"{spec.kwargs}, {a.num_eval} fresh networks per row, augment `{a.augment}`, device {dev}. Test accuracy mean ± std (population std) "
          f"over the runs; random real draws a new subset per run.\n\n"
          "| set | ipc | images | lr | epochs | test acc % | balanced acc % | seconds |\n|---|---|---|---|---|---|---|---|\n"
          + '\n'.join(rows) +
          f"\n\nTotal evaluation time {t_all.seconds:.0f} s (data {t_data.seconds:.0f} s); peak RSS {peak_rss_mb():.0f} MiB.")
    small = [r.acc_mean for k, r in results.items() if k != 'full']
    if 'full' in results and small and results['full'].acc_mean < max(small):
        md += (f"\n\nNote: the full-data row ({a.full_epochs} epochs) is below a small-set row, so at this budget it is "
               "undertrained and is not the ceiling; rerun with more `--full_epochs`.")
    record('eval_baselines', 'Evaluation protocol: baselines on the simulated galaxies', md,
           {'dataset': repr(ds), 'fingerprint': ds.fingerprint(), 'config': vars(a), 'seconds': t_all.seconds,
            'results': {k: r.to_dict() for k, r in results.items()}})


if __name__ == '__main__':
    main()
