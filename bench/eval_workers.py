"""Evaluation networks in threads (`EvalConfig.workers`) against one at a time, side by side in one run.

    python bench/eval_workers.py --data D --syn RUN/synset.safetensors [--epochs 500 --num_eval 4]

Three settings on the same set: one network at a time with torch's default thread count (the default before
`workers` existed), one at a time with one torch thread, and `workers` networks at once with one torch thread each.
The last two train the same networks bit for bit; the first differs in floating-point reduction order only.
"""
import sys, time
from pathlib import Path
sys.path.insert(0, str(Path(__file__).parent))
from _common import REQUIRED, parser, record  # noqa: E402

import torch  # noqa: E402
from galaxy_distill.data import SynSet, load_dataset  # noqa: E402
from galaxy_distill.evaluate import EvalConfig, evaluate_synset  # noqa: E402

p = parser(__doc__, data=REQUIRED, epochs=500, num_eval=4)
p.add_argument('--syn', required=True, help='synthetic-set file')
p.add_argument('--workers', type=int, default=2)
a = p.parse_args()
ds, syn = load_dataset(a.data), SynSet.load(a.syn)
default_threads = torch.get_num_threads()
rows = []
for name, threads, workers in ((f'one at a time, {default_threads} torch threads', default_threads, 1),
                               ('one at a time, 1 torch thread', 1, 1), (f'{a.workers} at once, 1 torch thread each', 1, a.workers)):
    torch.set_num_threads(threads)
    t = time.perf_counter()
    r = evaluate_synset(syn, ds, num_eval=a.num_eval, epochs=a.epochs, config=EvalConfig(workers=workers, grid_eval=1), seed=0,
                        show_progress=False, device='cpu')
    rows.append({'setting': name, 'seconds': time.perf_counter() - t, 'accs': r.accs, 'lr': r.lr})
    torch.set_num_threads(default_threads)
base = rows[0]['seconds']
md = (f"Set `{a.syn}` (IPC {syn.ipc}), {a.num_eval} networks + the 4-value step-size grid (one network each), {a.epochs} epochs.\n\n"
      "| setting | seconds | × against the first row | accuracies |\n|---|---|---|---|\n" +
      '\n'.join(f"| {r['setting']} | {r['seconds']:.1f} | ×{base / r['seconds']:.2f} | {', '.join(f'{100*x:.1f}' for x in r['accs'])} |" for r in rows) +
      f"\n\nThe last two rows train the same networks: identical accuracies: {rows[1]['accs'] == rows[2]['accs']}.")
record('eval_workers', 'Evaluation networks in threads against one at a time', md, {'rows': rows})
