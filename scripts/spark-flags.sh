# The JVM flags Spark needs on Java 17: the list spark-submit itself adds (org.apache.spark.launcher.JavaModuleOptions).
# Sourced by ./vclip and scripts/spark-submit-check.sh; pom.xml's spark.jvm.flags is the same list for the tests.
spark_flags="-XX:+IgnoreUnrecognizedVMOptions -Djdk.reflect.useDirectMethodHandle=false"
for p in java.lang java.lang.invoke java.lang.reflect java.io java.net java.nio java.util java.util.concurrent \
    java.util.concurrent.atomic jdk.internal.ref sun.nio.ch sun.nio.cs sun.security.action sun.util.calendar; do
  spark_flags="$spark_flags --add-opens=java.base/$p=ALL-UNNAMED"
done
