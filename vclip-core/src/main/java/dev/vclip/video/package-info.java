/**
 * Decoding, sampling and transforms of video frames: {@link dev.vclip.video.RgbFrame} (8-bit RGB images),
 * {@link dev.vclip.video.PillowResize} (a bit-exact port of Pillow's bicubic resize) and
 * {@link dev.vclip.video.ClipImageProcessor} (Hugging Face's CLIPImageProcessor: resize, centre crop, rescale,
 * normalise).
 *
 * <p>Depends on nothing else in vclip but {@code dev.vclip.VclipException}. The golden files they are checked against
 * are read by {@code dev.vclip.verify.ProcessorCases} ({@code vclip preprocess --verify}), in vclip-cli.
 */
package dev.vclip.video;
