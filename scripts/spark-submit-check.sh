#!/usr/bin/env bash
# The README's spark-submit path, end to end on this machine: builds the job jar (-Pjob-jar), starts a standalone
# cluster (a master and two one-core workers, separate JVMs on loopback, whose Spark home holds Spark's jars only),
# and submits the job with Spark's own SparkSubmit class (what the spark-submit script runs) on a synthetic library
# with one broken video. Passes when the job reports every video, the broken one as failed. About 2 min.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/spark-flags.sh
work="$(mktemp -d)"
cluster_pid=""
trap '[ -n "$cluster_pid" ] && kill "$cluster_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT

mvn -B -q -pl vclip-spark -am -Pjob-jar -DskipTests install
mvn -B -q dependency:build-classpath -pl vclip-spark -Dmdep.includeScope=runtime -Dmdep.outputFile="$work/cp.txt"
# Spark's side of the class path: everything but vclip and the libraries only vclip uses (they are in the job jar)
tr ':' '\n' < "$work/cp.txt" | grep -v -E '/dev/vclip/|/ai/djl/|/org/bytedeco/|/org/apache/lucene/|/io/javalin/|/org/eclipse/jetty/' \
  > "$work/spark-jars.txt"

./vclip synth --out "$work/lib" --clips-per-class 2 --long-videos 1 > /dev/null
printf 'not a video' > "$work/lib/videos/broken.mp4"

java $spark_flags -cp "vclip-spark/target/classes:$(cat "$work/cp.txt")" dev.vclip.spark.LocalCluster \
  "$work/cluster" 2 1 1500m "$work/spark-jars.txt" 900 > "$work/cluster.log" 2>&1 &
cluster_pid=$!
for _ in $(seq 1 120); do [ -f "$work/cluster/master-url" ] && break; sleep 1; done
master="$(cat "$work/cluster/master-url")"

java $spark_flags -cp "$(paste -sd: "$work/spark-jars.txt")" org.apache.spark.deploy.SparkSubmit \
  --master "$master" --conf spark.driver.host=127.0.0.1 --conf spark.driver.bindAddress=127.0.0.1 \
  --conf spark.ui.enabled=false --conf spark.executor.cores=1 --conf spark.executor.memory=1g \
  --conf spark.executor.extraJavaOptions=-Dai.djl.offline=true \
  --class dev.vclip.spark.EmbedJob vclip-spark/target/vclip-spark-job.jar \
  --model models/xclip-synth --output "$work/embeddings" "$work/lib/videos" "$work/lib/long" 2> "$work/submit.log" \
  | tee "$work/summary.json"

videos=$(find "$work/lib/videos" "$work/lib/long" -name '*.mp4' | wc -l)
grep -q "\"videos\" : $videos," "$work/summary.json" && grep -q '"failed" : 1,' "$work/summary.json" \
  || { echo "spark-submit-check: FAILED (expected $videos videos, 1 failed)"; tail -40 "$work/submit.log"; exit 1; }
echo "spark-submit-check: passed ($videos videos, the broken one reported)"
