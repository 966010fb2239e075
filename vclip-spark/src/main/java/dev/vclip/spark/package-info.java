/**
 * Embedding a large video corpus on Apache Spark: the job ({@link dev.vclip.spark.CorpusEmbedding}, run by
 * {@code spark-submit --class dev.vclip.spark.EmbedJob} or {@code vclip spark-embed}) encodes whole videos and
 * moments exactly as {@code vclip index} does, one model per executor JVM, and writes Parquet through Spark's output
 * commit protocol; {@link dev.vclip.spark.ParquetIndex} reads that output into a Lucene index on one machine.
 *
 * <p>May depend on: {@code dev.vclip}, {@code dev.vclip.model}, {@code dev.vclip.report}, {@code dev.vclip.search}.
 */
package dev.vclip.spark;
