#!/usr/bin/env bash
# Check a plain (non-editable) install: a fresh venv, `pip install .`, import the package outside the
# source tree, and run `--help` of every gd_* console script registered in settings.ini.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
venv=${1:-/tmp/gd-install-check}
rm -rf "$venv"
python3 -m venv "$venv"
"$venv/bin/pip" install -q "$root" 2>&1 | grep -v "is ignored: it is neither" || true
cd /tmp
"$venv/bin/python" -c "import galaxy_distill, galaxy_distill.core as c; print('imported galaxy_distill', galaxy_distill.__version__, 'from', c.__file__)"
for cmd in $(grep '^console_scripts' "$root/settings.ini" | cut -d= -f2- | tr ' ' '\n' | cut -d= -f1 | grep gd_); do
  "$venv/bin/$cmd" --help > /dev/null && echo "ok: $cmd --help"
done
