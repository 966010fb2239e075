/**
 * Decoding, sampling and transforms of video frames: {@link dev.vclip.video.RgbFrame} (8-bit RGB images),
 * {@link dev.vclip.video.PillowResize} (a bit-exact port of Pillow's bicubic resize) and
 * {@link dev.vclip.video.ClipImageProcessor} (Hugging Face's CLIPImageProcessor: resize, centre crop, rescale,
 * normalise), with {@link dev.vclip.video.ProcessorCases} to verify them against golden files.
 *
 * <p>Opening videos: {@link dev.vclip.video.VideoSources} (a file, a folder of frames, or a member of a tar archive,
 * {@code archive.tar#member}), decoded frame-exactly with FFmpeg ({@link dev.vclip.video.FfmpegVideo}); which frames
 * to take: {@link dev.vclip.video.Sampling}; spatial views: {@link dev.vclip.video.ClipTransforms}.
 *
 * <p>Of vclip it uses {@code VclipException} (the base of {@code VideoException}) and {@code dev.vclip.weights},
 * only for {@code ProcessorCases} to read its golden tensors.
 *
 * <p>May depend on: {@code dev.vclip}, {@code dev.vclip.weights}.
 */
package dev.vclip.video;
