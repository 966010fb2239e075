/**
 * Metrics of recognition, retrieval and localisation, as the seeds compute them; depends on nothing else in vclip.
 *
 * <ul>
 *   <li>{@link dev.vclip.eval.RetrievalMetrics}: text-to-video and video-to-text R@1/5/10, median and mean rank
 *       (CLIP4Clip / CenterCLIP {@code compute_metrics}, {@code tensor_text_to_video_metrics});</li>
 *   <li>{@link dev.vclip.eval.AttributeRetrieval}: precision@K of queries with many right answers (every video whose
 *       tags include the query's), per query kind, with chance;</li>
 *   <li>{@link dev.vclip.eval.ClassificationMetrics}: multi-view aggregation and top-1/top-5 accuracy (X-CLIP and
 *       ViFi-CLIP {@code validate()}, mmaction {@code top_k_accuracy}), per-class accuracy and confusions;</li>
 *   <li>{@link dev.vclip.eval.LocalisationMetrics}: frame-level AUROC and AUPRC from window scores
 *       (XCLIP_Baseline, scikit-learn {@code roc_auc_score} / {@code average_precision_score});</li>
 *   <li>{@link dev.vclip.eval.DetectionMetrics}: ActivityNet temporal-detection mAP, Moment-DETR moment retrieval
 *       and our rule for turning frame scores into scored segments;</li>
 *   <li>{@link dev.vclip.eval.BaseToNovel}: the harmonic mean of base and novel accuracy.</li>
 * </ul>
 *
 * <p>Everything is plain Java in double precision: score matrices come in as {@code double[][]} (or
 * {@code float[][]}, widened), labels as {@code int}s. The definitions (ties, averaging, interpolation,
 * conventions of ours) are those of {@code shared/fixtures/metrics/README.md}, a copy of which lies next to the
 * test cases in {@code src/test/resources/metrics/}.
 *
 * <p>May depend on: nothing in vclip.
 */
package dev.vclip.eval;
