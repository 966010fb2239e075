/**
 * The jobs of the seeds on top of the models: zero-shot recognition (X-CLIP, ViFi-CLIP), text–video retrieval
 * (CenterCLIP) and language-guided temporal localisation in long videos (XCLIP_Baseline). Videos are decoded,
 * sampled and encoded once ({@link dev.vclip.task.VideoEncoder}, with an on-disk feature cache), then scored
 * against any number of texts. {@link dev.vclip.task.ZeroShot#classify} is the short way from a video file and some
 * texts to the texts ranked by probability.
 *
 * <p>Besides the models, video decoding, dataset formats and metrics, it uses {@code report} for the recognition
 * report's tables and charts and {@code weights} for the DJL engine. Only {@code dev.vclip.train} and the CLI use it.
 *
 * <p>May depend on: {@code dev.vclip.data}, {@code dev.vclip.eval}, {@code dev.vclip.model}, {@code dev.vclip.report}, {@code dev.vclip.video}, {@code dev.vclip.weights}.
 */
package dev.vclip.task;
