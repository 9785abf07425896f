"""Rendering throughput of the GalSim galaxy simulator: images/s with 1 vs N worker processes at the
default size, and the wall time to render the default nine-class set (500 train + 100 test per class).

    python bench/render_throughput.py                    # 20+4 per class sample, then the full default set
    python bench/render_throughput.py --no_full          # sample only (about half a minute)
    python bench/render_throughput.py --size 64 --workers 4

CPU seconds (user+sys of this process and its workers) are reported beside wall times: on a shared
machine the wall time depends on the neighbours, the CPU time much less.
"""
import os, sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import cpu_seconds, parser, record, Timer, peak_rss_mb  # noqa: E402

os.environ.setdefault('GD_PROGRESS', '0')
from galaxy_distill.simulate import SimulationConfig, simulate  # noqa: E402


def measure(config: SimulationConfig, workers: int) -> dict:
    "Render `config` with `workers` processes; wall/CPU time and images per second."
    cpu0 = cpu_seconds()
    with Timer() as t: ds, _ = simulate(config, workers=workers, show=False)
    n = len(ds.train) + len(ds.test)
    cpu = cpu_seconds() - cpu0
    return {'workers': workers, 'images': n, 'wall_s': round(t.seconds, 2), 'cpu_s': round(cpu, 2),
            'images_per_s': round(n / t.seconds, 1), 'cpu_ms_per_image': round(1000 * cpu / n, 1)}


def main():
    ap = parser(__doc__, size=32)
    ap.add_argument('--bands', default='gri')
    ap.add_argument('--workers', type=int, default=2, help='processes of the parallel runs')
    ap.add_argument('--sample_per_class', type=int, default=20, help='train galaxies per class of the 1-vs-N sample')
    ap.add_argument('--no_full', action='store_true', help='skip rendering the default 500+100 per class set')
    args = ap.parse_args()

    sample = SimulationConfig(args.sample_per_class, max(1, args.sample_per_class // 5), args.size, 0, args.bands)
    simulate(SimulationConfig(1, 1, args.size, 99, args.bands), workers=1, show=False)   # warm GalSim's tables
    serial, parallel = measure(sample, 1), measure(sample, args.workers)
    rows = [serial, parallel]
    full = None
    if not args.no_full:
        full = measure(SimulationConfig(500, 100, args.size, 0, args.bands), args.workers)
        rows.append(full)
    speedup = parallel['images_per_s'] / serial['images_per_s']
    lines = ["| run | workers | images | wall s | CPU s | images/s | CPU ms/image |", "|---|---|---|---|---|---|---|"]
    names = ['sample, serial (baseline)', f'sample, {args.workers} processes', 'default set (500+100 per class)']
    for name, r in zip(names, rows):
        lines.append(f"| {name} | {r['workers']} | {r['images']} | {r['wall_s']} | {r['cpu_s']} | {r['images_per_s']} | {r['cpu_ms_per_image']} |")
    text = '\n'.join(lines) + f"\n\nSpeed-up of {args.workers} processes over 1: ×{speedup:.2f} ({args.size}², {args.bands}). "
    if full:
        ok = full['wall_s'] < 180
        text += (f"Default nine-class set (5400 images): **{full['wall_s']:.0f} s wall** "
                 f"({'meets' if ok else 'misses'} the 3-minute target on this machine at the time of the run; "
                 f"{full['cpu_s']:.0f} CPU s, i.e. ≈{full['cpu_s'] / args.workers:.0f} s on {args.workers} idle cores). ")
    text += f"Load average at the end: {os.getloadavg()[0]:.1f}. Peak RSS {peak_rss_mb():.0f} MiB."
    record('render_throughput', 'Simulated galaxies: rendering throughput', text,
           {'sample': [serial, parallel], 'full': full, 'speedup': round(speedup, 2), 'size': args.size,
            'bands': args.bands, 'loadavg': os.getloadavg()[0]})


if __name__ == '__main__':
    main()
