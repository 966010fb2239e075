#!/usr/bin/env bash
# vclip against the plain PyTorch X-CLIP anchor, side by side on this machine: video features of one model folder,
# batch 1 and 2, in alternating rounds (PyTorch, then vclip, ROUNDS times), nothing else should run meanwhile.
# Only the ratios of figures from the same round mean something on a shared machine.
#
#   scripts/bench-vs-pytorch.sh BENCH_DIR MODEL_DIR [ROUNDS]
#
# BENCH_DIR: the anchor (bench_torch.py; its README says how to install Debian's torch with OpenBLAS and how to
# make MODEL_DIR, a random full-size X-CLIP folder). Prints one line per round and batch; the JSON lines of both
# tools go to runs/bench-vs-pytorch/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bench="${1:?usage: scripts/bench-vs-pytorch.sh BENCH_DIR MODEL_DIR [ROUNDS]}"
model="${2:?usage: scripts/bench-vs-pytorch.sh BENCH_DIR MODEL_DIR [ROUNDS]}"
rounds="${3:-2}"
out=runs/bench-vs-pytorch
mkdir -p "$out"
ms() { # the ms_per_video of a JSON document or line matching a batch
  /usr/bin/python3 -c '
import json, sys
kind, batch = sys.argv[1], int(sys.argv[2])
if kind == "vclip":
    print("%.1f" % json.load(open(sys.argv[3]))["results"][0]["ms_per_video"])
    sys.exit()
for line in open(sys.argv[3]):
    line = line.strip()
    if not line.startswith("{"):
        continue
    d = json.loads(line)
    if kind == "torch" and d.get("what") == "video_features" and d["batch"] == batch and d["attn"] == "eager":
        print("%.1f %.3f" % (d["ms_per_video"], d.get("other_load", float("nan"))))
' "$@"
}
printf '%-6s %-6s %14s %9s %14s %8s\n' round batch "pytorch ms" "load" "vclip ms" "ratio"
for r in $(seq 1 "$rounds"); do
  /usr/bin/python3 "$bench/bench_torch.py" "$model" --batches 1 2 --attn eager --runs 5 --skip-text > "$out/torch-$r.jsonl"
  for b in 1 2; do
    ./vclip bench model --model "$model" --batch "$b" --iterations 5 --json > "$out/vclip-$r-b$b.json"
  done
  for b in 1 2; do
    read -r t load < <(ms torch "$b" "$out/torch-$r.jsonl")
    v=$(ms vclip "$b" "$out/vclip-$r-b$b.json")
    printf '%-6s %-6s %14s %9s %14s %8s\n' "$r" "$b" "$t" "$load" "$v" \
      "$(/usr/bin/python3 -c "print('%.2f' % ($t / $v))")"
  done
done
echo "ratio = PyTorch ms / vclip ms (above 1: vclip is faster)"
