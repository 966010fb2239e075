#!/usr/bin/env bash
# Text-to-video retrieval learned from scratch on vclip synth videos: each config is trained by video-caption InfoNCE
# on the 2200 training clips (retrieval/captions_train.csv) and evaluated with `vclip retrieval` on the 1100 held-out
# clips, one caption each (retrieval/test_jsfusion.csv, MSR-VTT 1k-A style). By default three models with the same
# towers and budget: CLIP4Clip meanP (mean pooling), CLIP4Clip seqTransf (a transformer over the frames) and CenterCLIP
# (meanP with k-medoids token clustering inside the ViT). About 8 minutes per config on 2 cores. Results: runs/synth-retrieval/<config>/ and the table in
# runs/synth-retrieval/results.md. A step whose report exists is skipped (delete a folder to redo it).
#
#   configs/synth/retrieval.sh                                    the three configs
#   configs/synth/retrieval.sh configs/synth/clip4clip-seqtransf-tiny.yaml configs/synth/OTHER.yaml
#   VCLIP="java -jar ..." configs/synth/retrieval.sh              with another vclip build
#
# Each config reads the data of runs/synth-learning/data (made here when absent, as configs/synth/run.sh makes it).
# Another model to compare is one more YAML file on the command line.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
read -r -a VCLIP <<< "${VCLIP:-./vclip}"
# libtorch's OpenMP threads wait passively (as ./vclip sets it, here too for VCLIP="java -jar ..."): spin-waiting made
# training steps 3-20x slower whenever other processes shared the cores (README, "Threads")
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
OUT=runs/synth-retrieval
D=runs/synth-learning/data
if [ "$#" -gt 0 ]; then CONFIGS=("$@"); else
  CONFIGS=(configs/synth/clip4clip-meanp-tiny.yaml configs/synth/clip4clip-seqtransf-tiny.yaml
    configs/synth/centerclip-tiny.yaml)
fi

[ -f "$D/dataset.json" ] || "${VCLIP[@]}" synth --out "$D" --seed 0 --clips-per-class 300 --long-videos 4 --no-tar

mkdir -p "$OUT"
{
  echo "| config | text->video R@1 | R@5 | R@10 | MdR | MnR | video->text R@1 | train (s) |"
  echo "|---|---|---|---|---|---|---|---|"
} > "$OUT/results.md"
for cfg in "${CONFIGS[@]}"; do
  name="$(basename "$cfg" .yaml)"
  run="$OUT/$name"
  if [ ! -f "$run/train/report.html" ]; then
    start=$SECONDS
    "${VCLIP[@]}" train -cfg "$cfg" --out "$run/train"
    echo $((SECONDS - start)) > "$run/train/seconds.txt"
  fi
  [ -f "$run/retrieval/report.html" ] || "${VCLIP[@]}" retrieval --model "$run/train/model" \
    --captions "$D/retrieval/test_jsfusion.csv" --out "$run/retrieval" --no-cache
  jq -r --arg name "$name" --arg secs "$(cat "$run/train/seconds.txt" 2>/dev/null || echo '?')" \
    '.data.metrics | "| \($name) | \(.text_to_video.R1 * 100 | . * 10 | round / 10) % | \(.text_to_video.R5 * 100 | . * 10 | round / 10) % | \(.text_to_video.R10 * 100 | . * 10 | round / 10) % | \(.text_to_video.MedianR) | \(.text_to_video.MeanR * 10 | round / 10) | \(.video_to_text.R1 * 100 | . * 10 | round / 10) % | \($secs) |"' \
    "$run/retrieval/metrics.json" >> "$OUT/results.md"
done
echo "chance: R@1 0.09 %, R@5 0.45 %, R@10 0.9 %, MdR 550, MnR 550 (1100 clips)" >> "$OUT/results.md"
cat "$OUT/results.md"
