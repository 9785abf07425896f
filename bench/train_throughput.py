"""Training throughput: galaxy_distill.train.train_classifier vs a minimal plain PyTorch loop.

Same model (ConvNet-3, width 128 by default), same normalised in-memory data, same SGD settings and batch size,
no augmentation; images per second over whole epochs. The two run alternately (plain, ours, plain, ours, ...)
from the same initial weights so the machine's noise hits both alike; medians of the per-run rates are
reported. Target: ours / plain ≥ 0.95.

    python bench/train_throughput.py                  # 512 images 3×32×32, 1 epoch per run, 3 runs each
    python bench/train_throughput.py --n 5000 --epochs 3 --runs 5 --augment galaxy
"""
import copy, statistics, sys, time
from pathlib import Path
sys.path.insert(0, str(Path(__file__).parent))
from _common import default_device, parser, record, peak_rss_mb

import torch
import torch.nn.functional as F
from galaxy_distill.augment import Augment
from galaxy_distill.models import create_model
from galaxy_distill.train import TrainConfig, train_classifier


def plain_loop(model, x, y, epochs, lr, batch_size, augment=None, seed=0):
    "The shortest reasonable PyTorch loop: shuffle, minibatch SGD with momentum and weight decay."
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9, weight_decay=5e-4)
    g = torch.Generator().manual_seed(seed)
    model.train()
    for _ in range(epochs):
        order = torch.randperm(len(x), generator=g).to(x.device)
        for start in range(0, len(x), batch_size):
            idx = order[start:start + batch_size]
            xb = x[idx]
            if augment is not None: xb = augment(xb, generator=g)
            loss = F.cross_entropy(model(xb), y[idx])
            opt.zero_grad(set_to_none=True); loss.backward(); opt.step()


def main():
    p = parser(__doc__, size=32, width=128, epochs=1, device=default_device())
    p.add_argument('--n', type=int, default=512, help='images')
    p.add_argument('--runs', type=int, default=3, help='timed runs of each loop (alternating)')
    p.add_argument('--batch_size', type=int, default=256)
    p.add_argument('--augment', default='none')
    args = p.parse_args()
    dev = torch.device(args.device)
    g = torch.Generator().manual_seed(0)
    x = torch.randn(args.n, 3, args.size, args.size, generator=g).to(dev)
    y = torch.randint(0, 9, (args.n,), generator=g).to(dev)
    base = create_model('convnet', 3, 9, args.size, seed=0, width=args.width).to(dev)
    augment = Augment.from_name(args.augment)
    cfg = TrainConfig(epochs=args.epochs, lr=0.01, batch_size=args.batch_size, lr_decay_at=None, augment=augment)

    def sync():
        if dev.type == 'cuda': torch.cuda.synchronize()

    def run_plain():
        m = copy.deepcopy(base); sync(); start = time.perf_counter()
        plain_loop(m, x, y, args.epochs, cfg.lr, args.batch_size, augment); sync()
        return args.n * args.epochs / (time.perf_counter() - start)

    def run_ours():
        m = copy.deepcopy(base); sync(); start = time.perf_counter()
        train_classifier(m, x, y, cfg, device=dev, seed=0, show_progress=False); sync()
        return args.n * args.epochs / (time.perf_counter() - start)

    run_plain(); run_ours()  # warm-up
    plain, ours = [], []
    for _ in range(args.runs):
        plain.append(run_plain()); ours.append(run_ours())
        print(f"plain {plain[-1]:.0f} img/s, ours {ours[-1]:.0f} img/s", flush=True)
    mp, mo = statistics.median(plain), statistics.median(ours)
    ratio = mo / mp
    verdict = 'met' if ratio >= 0.95 else 'NOT met'
    md = (f"ConvNet-3 (width {args.width}), {args.n} images 3×{args.size}×{args.size}, batch {args.batch_size}, "
          f"{args.epochs} epochs per run, augmentation `{args.augment}`, device `{args.device}`; "
          f"median of {args.runs} alternating runs.\n\n"
          "| loop | images/s (median) | all runs |\n|---|---|---|\n"
          f"| plain PyTorch | {mp:.0f} | {', '.join(f'{v:.0f}' for v in plain)} |\n"
          f"| train_classifier | {mo:.0f} | {', '.join(f'{v:.0f}' for v in ours)} |\n\n"
          f"Ratio ours / plain = **{ratio:.3f}** (target ≥ 0.95: {verdict}). On a shared 2-core machine single runs "
          "vary by more than the difference; the medians of alternating runs are the number to read.")
    record('train_throughput', 'Training throughput: train_classifier vs plain PyTorch loop', md,
           {'plain_images_per_s': plain, 'ours_images_per_s': ours, 'ratio': ratio, 'args': vars(args),
            'peak_rss_mb': peak_rss_mb()})


if __name__ == '__main__':
    main()
