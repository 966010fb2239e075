/**
 * Decoding, sampling and transforms of video frames: {@link dev.vclip.video.RgbFrame} (8-bit RGB images),
 * {@link dev.vclip.video.PillowResize} (a bit-exact port of Pillow's bicubic resize) and
 * {@link dev.vclip.video.ClipImageProcessor} (Hugging Face's CLIPImageProcessor: resize, centre crop, rescale,
 * normalise).
 *
 * <p>Opening videos: {@link dev.vclip.video.VideoSources} (a file, a folder of frames, or a member of a tar archive,
 * {@code archive.tar#member}), decoded frame-exactly with FFmpeg ({@link dev.vclip.video.FfmpegVideo}); which frames
 * to take: {@link dev.vclip.video.Sampling}; spatial views: {@link dev.vclip.video.ClipTransforms}.
 *
 * <p>Of vclip it uses {@code VclipException} (the base of {@code VideoException}). The golden files the processor
 * is checked against are read by {@code dev.vclip.verify.ProcessorCases} ({@code vclip preprocess --verify}).
 *
 * <p>May depend on: {@code dev.vclip}.
 */
package dev.vclip.video;
