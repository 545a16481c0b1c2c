#!/usr/bin/env bash
# LabBenchmark side by side: the lab end to end (migration -> mirror, spec change -> applied) for
# several commits, each built in its own worktree, run one after the other, ROUNDS times.
# Run as root from a clone (the lab needs network namespaces):
#   benchmarks/lab-side-by-side.sh [--runs N] [--rounds R] COMMIT... (HEAD for this checkout)
# Results in BENCHMARKS.md were made with: benchmarks/lab-side-by-side.sh 0495c4f HEAD 7d38fd1
set -euo pipefail
runs=20
rounds=2
commits=()
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    *) commits+=("$1"); shift ;;
  esac
done
[ ${#commits[@]} -gt 0 ] || { echo "usage: $0 [--runs N] [--rounds R] COMMIT..." >&2; exit 2; }
repo=$(git rev-parse --show-toplevel)
work=$(mktemp -d /tmp/pvespan-side-XXXXXX)
trap 'for d in "$work"/*; do git -C "$repo" worktree remove --force "$d" 2>/dev/null || true; done; rm -rf "$work"' EXIT
for c in "${commits[@]}"; do
  dir="$work/$(git -C "$repo" rev-parse --short "$c")"
  git -C "$repo" worktree add --detach "$dir" "$c" >/dev/null
  echo "building $c in $dir" >&2
  (cd "$dir" && mvn -B -q package -DskipTests >/dev/null)
done
for r in $(seq "$rounds"); do
  for c in "${commits[@]}"; do
    dir="$work/$(git -C "$repo" rev-parse --short "$c")"
    # The lab moved out of the controller jar into its own module during issue 8.
    if [ -f "$dir/lab/target/pvespan-lab.jar" ]; then
      cp=(-cp "$dir/lab/target/pvespan-lab.jar" io.pvespan.lab.LabBenchmark)
    else
      cp=(-cp "$dir/controller/target/pvespan-controller.jar" io.pvespan.controller.lab.LabBenchmark)
    fi
    echo "== round $r: $c ($(date +%T), load $(cut -d' ' -f1-3 /proc/loadavg))"
    (cd "$dir" && java -Dpvespan.home="$dir" "${cp[@]}" --runs "$runs" 2>&1 | grep -v '^# ')
  done
done
