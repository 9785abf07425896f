"""Full-data ConvNet-3 test accuracy on the simulated nine-class galaxies, against simple baselines.

Trains ConvNet-3 (width 128, instance norm) with `train_classifier` on the whole train split of the simulated
GZoo2-like set (galaxy_distill.simulate, cached) and reports test accuracy, balanced accuracy and per-class
recall; side by side, in the same run, a nearest-class-mean classifier on the normalised pixels and chance.
This is the "full data" upper reference the distilled sets are compared with.

    python bench/full_data_accuracy.py                       # 100/30 per class, 32 px, 10 epochs (CPU-sized)
    python bench/full_data_accuracy.py --full                # the default set: 500/100 per class, 50 epochs
    python bench/full_data_accuracy.py --n_per_class 500 --test_per_class 100 --epochs 50 --augment galaxy
"""
import sys
from pathlib import Path
sys.path.insert(0, str(Path(__file__).parent))
from _common import parser, record, Timer, peak_rss_mb

import numpy as np
import torch
from galaxy_distill.augment import Augment
from galaxy_distill.core import default_device, derive_seed
from galaxy_distill.models import create_model
from galaxy_distill.simulate import simulate_dataset
from galaxy_distill.train import Metrics, TrainConfig, train_classifier


def nearest_class_mean(x, y, xt, yt, k):
    "Metrics of assigning each test image to the class whose mean train image is closest (pixels)."
    means = torch.stack([x[y == c].mean(0) for c in range(k)]).flatten(1)
    pred = torch.cdist(xt.flatten(1), means).argmin(1)
    return Metrics.from_confusion(np.bincount((yt * k + pred).numpy(), minlength=k * k).reshape(k, k))


def main():
    p = parser(__doc__, test_per_class=30, size=32, epochs=10, width=128, device=None)
    p.add_argument('--n_per_class', type=int, default=100, help='train images per class')
    p.add_argument('--lr', type=float, default=0.01)
    p.add_argument('--batch_size', type=int, default=256)
    p.add_argument('--augment', default='none')
    p.add_argument('--seeds', type=int, default=1, help='networks, one per seed')
    p.add_argument('--full', action='store_true', help='500/100 per class and 50 epochs')
    args = p.parse_args()
    if args.full: args.n_per_class, args.test_per_class, args.epochs = 500, 100, 50
    dev = default_device(args.device)
    with Timer() as t_data:
        ds = simulate_dataset(args.n_per_class, args.test_per_class, size=args.size, show=False)
    x, y = ds.tensors('train', dev); xt, yt = ds.tensors('test', dev)
    k = ds.num_classes
    ncm = nearest_class_mean(x.cpu(), y.cpu(), xt.cpu(), yt.cpu(), k)
    accs, bals, recalls, seconds = [], [], [], []
    for s in range(args.seeds):
        net = create_model('convnet', ds.channels, k, ds.image_size, seed=derive_seed(s, 'model'), width=args.width)
        cfg = TrainConfig(epochs=args.epochs, lr=args.lr, batch_size=args.batch_size, augment=Augment.from_name(args.augment))
        hist = train_classifier(net, x, y, cfg, device=dev, seed=derive_seed(s, 'train'), eval_data=(xt, yt))
        m = hist['eval']
        accs.append(m.accuracy); bals.append(m.balanced_accuracy); recalls.append(m.per_class_recall)
        seconds.append(hist['seconds'])
        print(f"seed {s}: test acc {m.accuracy:.4f}, balanced {m.balanced_accuracy:.4f}, {hist['seconds']:.0f} s", flush=True)
    acc, std = float(np.mean(accs)), float(np.std(accs))
    recall = np.mean(recalls, 0)
    rows = '\n'.join(f"| {c} | {r:.2f} | {n:.2f} |" for c, r, n in zip(ds.classes, recall, ncm.per_class_recall))
    md = (f"Simulated set: {args.n_per_class} train / {args.test_per_class} test per class, 9 classes, 3×{args.size}×{args.size} "
          f"(rendered/cached in {t_data.seconds:.0f} s). ConvNet-3 width {args.width}, {args.epochs} epochs, lr {args.lr}, "
          f"batch {args.batch_size}, lr ×0.1 at half time, augmentation `{args.augment}`, {args.seeds} seed(s), "
          f"{np.mean(seconds):.0f} s training each.\n\n"
          "| classifier | test accuracy | balanced accuracy |\n|---|---|---|\n"
          f"| ConvNet-3, full data | {acc:.3f} ± {std:.3f} | {np.mean(bals):.3f} |\n"
          f"| nearest class mean (pixels) | {ncm.accuracy:.3f} | {ncm.balanced_accuracy:.3f} |\n"
          f"| chance | {1/k:.3f} | {1/k:.3f} |\n\n"
          "| class | ConvNet-3 recall | nearest-mean recall |\n|---|---|---|\n" + rows +
          "\n\nFor reference, the paper reports 69.9 ± 1.8 % for ConvNet-3 on the real GZoo2 set at 128² "
          "(500/100 per class); the simulated set is a different, offline stand-in.")
    record('full_data_accuracy', 'Full-data ConvNet-3 accuracy on simulated galaxies', md,
           {'test_acc': accs, 'balanced_acc': bals, 'per_class_recall': recall.tolist(), 'classes': ds.classes,
            'nearest_class_mean': ncm.to_dict(), 'seconds': seconds, 'args': vars(args), 'peak_rss_mb': peak_rss_mb()})


if __name__ == '__main__':
    main()
