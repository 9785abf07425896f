"""How much of an expert epoch can any student match? Re-run the expert's own recipe from τ[t] with fresh draws.

For each start epoch t and span M, SGD on the *real* training set with the experts' step size, batch size and
augmentation (only the minibatch order and augmentation draws differ) runs from τ[t] for M epochs; the printed
value is the normalised matching loss ‖θ − τ[t+M]‖² / ‖τ[t] − τ[t+M]‖² of that re-run. A value near 1 means the
recorded displacement is mostly SGD noise that no synthetic set can reproduce; matching losses of distillation
should be read against it.

    python bench/trajectory_noise.py --data D --buffers B --lr 0.03 --batch 32
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import REQUIRED, parser, record, torch_threads  # noqa: E402


from galaxy_distill.buffers import TrajectoryBuffer
from galaxy_distill.core import make_generator
from galaxy_distill.data import load_dataset
from galaxy_distill.augment import Augment
from galaxy_distill.distill import student_for
from galaxy_distill.matching import matching_loss, plan_unroll, unroll_first_order


def main():
    p = parser(__doc__, data=REQUIRED, buffers=REQUIRED)
    p.add_argument('--lr', type=float, required=True, help="the experts' lr_teacher"); p.add_argument('--batch', type=int, required=True)
    p.add_argument('--augment', default='galaxy'); p.add_argument('--starts', default='0,4,8'); p.add_argument('--spans', default='1,2,4')
    p.add_argument('--expert', type=int, default=0)
    a = p.parse_args()
    torch_threads()
    ds, buf = load_dataset(a.data), TrajectoryBuffer(a.buffers)
    net_fn, _ = student_for(buf, 'cpu')
    x, y = ds.tensors('train')
    aug = Augment.from_name(a.augment)
    steps = -(-len(x) // a.batch)
    spans = [int(m) for m in a.spans.split(',')]
    lines = ['| start epoch t | ' + ' | '.join(f'M = {m}' for m in spans) + ' |', '|---|' + '---|' * len(spans)]
    values = {}
    for t in map(int, a.starts.split(',')):
        row = []
        for m in spans:
            if t + m > buf.epochs: row.append('–'); continue
            th0, tgt = buf.params(a.expert, t), buf.params(a.expert, t + m)
            plan = plan_unroll(len(x), steps * m, a.batch, make_generator(1), aug)
            v = float(matching_loss(unroll_first_order(net_fn, th0, x, y, a.lr, plan, aug), th0, tgt))
            values[f'{t},{m}'] = v; row.append(f'{v:.2f}')
            print(t, m, round(v, 3), flush=True)
        lines.append(f'| {t} | ' + ' | '.join(row) + ' |')
    md = '\n'.join(lines) + f"""

Expert {a.expert} of `{a.buffers}` ({buf.n_experts} experts × {buf.epochs} epochs), re-run with lr {a.lr}, batch {a.batch}
({steps} steps per epoch), augmentation `{a.augment}`, fresh minibatch and augmentation draws. Values well below 1
mean the recorded segment is reproducible; near 1, the segment is mostly noise.
"""
    record('trajectory_noise', 'Trajectory noise floor: re-running an expert epoch with fresh draws', md, {'values': values, 'args': vars(a)})


if __name__ == '__main__':
    main()
