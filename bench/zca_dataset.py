"""Write a ZCA-whitened copy of a dataset folder (kornia's `ZCAWhitening`, fitted on the normalised train split).

Experts, distillation and every evaluation row then run on the whitened folder with the ordinary commands
(`gd_buffers`, `bench/distill_levers.py`), which is how the ZCA lever of issue 11 was measured:

    python bench/zca_dataset.py --data D --out D_zca --eps 0.1
"""
import sys
from pathlib import Path
sys.path.insert(0, str(Path(__file__).parent))
from _common import REQUIRED, parser  # noqa: E402

import torch  # noqa: E402

from galaxy_distill.data import Dataset, ImageSet, load_dataset, save_dataset
from galaxy_distill.distill import zca_whitening


def main():
    p = parser(__doc__, data=REQUIRED, out=(REQUIRED, 'the whitened dataset folder'))
    p.add_argument('--eps', type=float, default=0.1, help='regulariser of the covariance (MTT: 0.1)')
    a = p.parse_args()
    ds = load_dataset(a.data)
    zca = zca_whitening(ds, eps=a.eps)
    with torch.no_grad(): parts = {s: zca(ds.tensors(s)[0]).float().contiguous() for s in ('train', 'test')}
    sets = [ImageSet(parts[s], ds.split(s).labels, ds.classes, ds.split(s).ids) for s in ('train', 'test')]
    save_dataset(Dataset(*sets, info={'name': f"{ds.info.get('name', 'data')}_zca", 'zca_eps': a.eps, 'source': a.data}), a.out)
    print(f"whitened: train std {parts['train'].std():.3f} → {a.out}")


if __name__ == '__main__':
    main()
