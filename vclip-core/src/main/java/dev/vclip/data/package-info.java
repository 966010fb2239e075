/**
 * Dataset file formats of the original projects, parsers and writers, and the loading machinery of datasets: an LMDB
 * store ({@link dev.vclip.data.LmdbStore}) with the frame cache on it ({@link dev.vclip.data.FrameCache}), and a
 * loader that decodes on worker threads ahead of its consumer ({@link dev.vclip.data.PrefetchLoader}).
 *
 * <ul>
 *   <li>{@link dev.vclip.data.VideoList} / {@link dev.vclip.data.VideoEntry}: X-CLIP and ViFi-CLIP annotation lists
 *       ({@code path label}, or MMAction2 rawframes {@code frame_dir total_frames label}) under {@code DATA.ROOT}
 *       (a folder or a {@code .tar});</li>
 *   <li>{@link dev.vclip.data.LabelTable}: the {@code labels/*.csv} class names ({@code id,name});</li>
 *   <li>{@link dev.vclip.data.Captions}: MSR-VTT / MSVD / DiDeMo / ActivityNet Captions retrieval captions (CSV, JSON,
 *       text), with the caption to video mapping retrieval metrics need and CLIP4Clip's paragraphs;</li>
 *   <li>{@link dev.vclip.data.TaggedTexts}: texts about videos with the attributes each names (training texts and
 *       hard negatives of {@code TRAIN.LOSS joint}); {@link dev.vclip.data.AttributeQueries}: attribute queries with
 *       the clips' tags, for precision@K of "a red shape"-style search;</li>
 *   <li>{@link dev.vclip.data.Triplets}: XCLIP_Baseline localisation triplets
 *       ({@code video_id,text,start_frame,end_frame[,fps]});</li>
 *   <li>{@link dev.vclip.data.Splits} and {@link dev.vclip.data.BaseNovelSplit}: ViFi-CLIP's K-shot and
 *       base-to-novel splits, and a deterministic K-shot sampler;</li>
 *   <li>{@link dev.vclip.data.Csv}: the RFC 4180 reader and writer underneath, with line numbers.</li>
 * </ul>
 *
 * <p>Every parser names the file and the 1-based line of a malformed record and says what was expected there. A
 * {@link dev.vclip.data.ParseReport} chooses what happens then: strict (the first problem throws
 * {@link dev.vclip.data.DatasetFormatException}) or lenient (the record is skipped and counted, and the report
 * lists them at the end), so that a long run is not lost to one bad line of a large list. Problems after which
 * nothing can be trusted (unterminated quote, missing header, invalid UTF-8 or JSON, a gap in label ids, no
 * record at all) throw in both modes. A file that cannot be read or written at all raises
 * {@link java.io.UncheckedIOException}. Every writer writes exactly what its parser reads, atomically (temporary
 * file, fsync, rename; {@code dev.vclip.AtomicFiles}). {@link dev.vclip.data.DatasetJson} reads what readers need of
 * the {@code dataset.json} that {@code vclip synth} writes (the direction-only twins of its classes).
 *
 * <p>Of vclip it uses the root ({@code AtomicFiles} for the writers, {@code VclipException} as the base of
 * {@code DatasetFormatException}) and two classes of {@code video}: {@link dev.vclip.data.VideoEntry#spec()}
 * resolves {@code DATA.ROOT} with {@code VideoSources.resolve}, and {@code FrameCache} stores {@code RgbFrame}s.
 * That arrow stays: this is the layer of video datasets, one step above decoding; a list entry is a video of
 * {@code video}'s kinds (file, frame folder, tar member) and the cache holds decoded frames. Taking it away would
 * mean moving the tar/folder naming rules here or the LMDB store into {@code video}; {@code video} never uses
 * {@code data}.
 *
 * <p>May depend on: {@code dev.vclip}, {@code dev.vclip.video}.
 */
package dev.vclip.data;
