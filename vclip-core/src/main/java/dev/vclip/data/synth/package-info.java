/**
 * A synthetic video-text dataset generator ({@code vclip synth}): coloured shapes performing actions on gently
 * textured backgrounds, rendered with Java2D and encoded as real MP4 files, with every annotation format the
 * {@code dev.vclip.data} package reads, so that vclip can be trained, tested and demonstrated without downloads.
 *
 * <ul>
 *   <li>{@link dev.vclip.data.synth.Action}: the classes, with caption phrases; five direction-only pairs (moving
 *       left/right, up/down, rotating clockwise/counter-clockwise, growing/shrinking, appearing/vanishing) whose
 *       second member is the first played backwards ({@link dev.vclip.data.synth.Motion#reversed()}), so only
 *       frame order tells them apart;</li>
 *   <li>{@link dev.vclip.data.synth.DatasetPlan}: everything decided up front from the seed (clips, long videos with
 *       timed events, splits, captions), a pure function of {@link dev.vclip.data.synth.SynthConfig};</li>
 *   <li>{@link dev.vclip.data.synth.SceneRenderer} and {@link dev.vclip.data.synth.Mp4Writer}: pixels and
 *       encoding (H.264 through libopenh264, MPEG-4 as fallback), reproducible byte for byte;</li>
 *   <li>{@link dev.vclip.data.synth.SyntheticDataset}: the entry point, writing videos, {@code videos.tar}, the
 *       annotation files (through the {@code dev.vclip.data} writers) and {@code dataset.json}.</li>
 * </ul>
 *
 * <p>Uses {@code dev.vclip.data} (formats; {@code dataset.json}'s name and reader are
 * {@link dev.vclip.data.DatasetJson}'s, so readers need nothing of this package), {@code dev.vclip.video}
 * ({@code RgbFrame}), {@code dev.vclip.AtomicFiles}, JavaCV/FFmpeg and Jackson.
 *
 * <p>May depend on: {@code dev.vclip}, {@code dev.vclip.data}, {@code dev.vclip.video}.
 */
package dev.vclip.data.synth;
