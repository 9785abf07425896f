"""Evaluation length: the same distilled sets and small baselines trained for 300 and for 1000 epochs (MTT: 1000).

Every set (each distilled synset given, as many random real galaxies per class as the sets hold, the class means) is evaluated with the
architecture the sets were distilled for (the synsets' `model_spec`) by the
protocol of `gd_eval` — the step size picked from `EvalConfig.lr_grid` on the *train* split, then `--num_eval` fresh
networks on the test split — once per epoch count, so the rows differ only in how long the networks train.

    python bench/eval_epochs.py --data D --syn 'RUNS/*/synset.safetensors' --epochs 300,1000
"""
import glob, sys, time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import REQUIRED, parser, record, torch_threads  # noqa: E402

import numpy as np

from galaxy_distill.data import SynSet, load_dataset
from galaxy_distill.evaluate import evaluate_baselines, evaluate_synset
from galaxy_distill.models import ModelSpec


def main():
    p = parser(__doc__, data=REQUIRED, num_eval=5, name='eval_epochs',
               title=('every small set', 'what the sets are, for the section title (each section its own)'))
    p.add_argument('--syn', required=True, help='glob of synset files')
    p.add_argument('--epochs', default='300,1000', help='comma-separated epoch counts')
    p.add_argument('--no_baselines', action='store_true', help='only the distilled sets (baselines measured elsewhere)')
    p.add_argument('--split', default='test', help="'train' to compare settings without looking at the test split")
    a = p.parse_args()
    torch_threads()
    ds, files = load_dataset(a.data), sorted(glob.glob(a.syn))
    first = SynSet.load(files[0])
    spec = ModelSpec.from_dict(first.meta['model_spec'])   # the students' architecture, for every row
    epochs = [int(e) for e in a.epochs.split(',')]
    rows = []
    for ep in epochs:
        for f in files:
            t0 = time.perf_counter()
            r = evaluate_synset(SynSet.load(f), ds, spec, split=a.split, num_eval=a.num_eval, epochs=ep, device='cpu', seed=0,
                                show_progress=False)
            rows.append({'set': Path(f).parent.name, 'epochs': ep, 'acc_mean': r.acc_mean, 'acc_std': r.acc_std, 'lr': r.lr,
                         'seconds': time.perf_counter() - t0})
            print(rows[-1], flush=True)
        for name, r in ({} if a.no_baselines else evaluate_baselines(ds, first.ipc, spec, baselines=('random', 'class_mean'),
                                                                      num_eval=a.num_eval, epochs=ep, device='cpu', seed=0, split=a.split,
                                                                      show_progress=False)).items():
            rows.append({'set': name, 'epochs': ep, 'acc_mean': r.acc_mean, 'acc_std': r.acc_std, 'lr': r.lr, 'seconds': r.seconds})
            print(rows[-1], flush=True)
    sets = list(dict.fromkeys(r['set'] for r in rows))
    cell = {(r['set'], r['epochs']): r for r in rows}
    lines = ['| set | ' + ' | '.join(f'{e} epochs' for e in epochs) + ' |', '|---|' + '---|' * len(epochs)]
    for s in sets:
        lines.append(f'| {s} | ' + ' | '.join(f"{100 * cell[s, e]['acc_mean']:.1f} ± {100 * cell[s, e]['acc_std']:.1f} % (lr {cell[s, e]['lr']})"
                                             for e in epochs) + ' |')
    distilled = [s for s in sets if not s.startswith('random_ipc') and s != 'class_mean']
    means = {e: np.mean([cell[s, e]['acc_mean'] for s in distilled]) for e in epochs}
    md = (f"Data `{a.data}`; {len(distilled)} distilled sets (`{a.syn}`); {a.num_eval} networks per set scored on the {a.split} split, step size from the grid "
          f"on the train split, for each epoch count.\n\n" + '\n'.join(lines) + "\n\nMean of the distilled sets: "
          + ', '.join(f"{100 * means[e]:.1f} % at {e} epochs" for e in epochs) + '.\n')
    record(a.name, f"Evaluation length, {a.epochs.replace(',', ' against ')} epochs: {a.title}", md, {'rows': rows})


if __name__ == '__main__':
    main()
