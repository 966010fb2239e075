/**
 * Decoding, sampling and transforms of video frames: {@link dev.vclip.video.RgbFrame} (8-bit RGB images),
 * {@link dev.vclip.video.PillowResize} (a bit-exact port of Pillow's bicubic resize) and
 * {@link dev.vclip.video.ClipImageProcessor} (Hugging Face's CLIPImageProcessor: resize, centre crop, rescale,
 * normalise), with {@link dev.vclip.video.ProcessorCases} to verify them against golden files.
 *
 * <p>Depends only on {@code dev.vclip.weights} (for reading tensors), for now.
 */
package dev.vclip.video;
