/**
 * The jobs of the seeds on top of the models: zero-shot recognition (X-CLIP, ViFi-CLIP), text–video retrieval
 * (CenterCLIP) and language-guided temporal localisation in long videos (XCLIP_Baseline). Videos are decoded,
 * sampled and encoded once ({@link dev.vclip.task.VideoEncoder}, with an on-disk feature cache), then scored
 * against any number of texts.
 *
 * <p>Depends on {@code model}, {@code video}, {@code data} and {@code eval}; nothing depends on it but the CLI.
 */
package dev.vclip.task;
