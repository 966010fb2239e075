package dev.vclip.data.synth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vclip.data.BaseNovelSplit;
import dev.vclip.data.Captions;
import dev.vclip.data.Csv;
import dev.vclip.data.LabelTable;
import dev.vclip.data.Splits;
import dev.vclip.data.TaggedTexts;
import dev.vclip.data.Triplets;
import dev.vclip.data.VideoEntry;
import dev.vclip.data.VideoList;
import dev.vclip.AtomicFiles;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Writes the annotation files of a planned dataset, in the formats of the original projects, through the
 * {@code dev.vclip.data} writers (the same code that reads them back). Every file is written atomically, and
 * every byte depends only on the plan, so the same seed gives identical files.
 */
final class SynthAnnotations {
    private SynthAnnotations() {
    }

    static final String VIDEOS = "videos";
    static final String LONG = "long";
    static final String TAR = "videos.tar";
    static final String DATASET_JSON = dev.vclip.data.DatasetJson.FILE;

    /** Bumped whenever the same seed would give different output. */
    static final int GENERATOR_VERSION = 2; // 2: retrieval/texts.jsonl and retrieval/attribute_queries.json

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What each file is, for dataset.json. Insertion order is the order written. */
    static final class Written {
        final Map<String, String> described = new LinkedHashMap<>();

        void add(String path, String description) {
            described.put(path, description);
        }
    }

    /** Writes the label table, lists, captions and localisation files; returns them with descriptions. */
    static Written write(Path out, DatasetPlan plan) {
        Written files = new Written();
        SynthConfig c = plan.config();
        String videosRoot = out.resolve(VIDEOS).toString();

        List<String> names = c.classes().stream().map(Action::label).toList();
        LabelTable labels = LabelTable.of("labels.csv", names);
        labels.write(out.resolve("labels.csv"));
        files.add("labels.csv", "class names, 'id,name' (X-CLIP DATA.LABEL_LIST)");

        VideoList train = list(plan.clips(Split.TRAIN), labels, videosRoot, plan);
        VideoList val = list(plan.clips(Split.VAL), labels, videosRoot, plan);
        train.write(out.resolve("train.txt"));
        files.add("train.txt", "X-CLIP DATA.TRAIN_FILE: 'file label' per line, files relative to videos/ "
                + "(DATA.ROOT=videos or videos.tar)");
        if (val.size() > 0) { // none with one clip per class: the list format cannot be empty
            val.write(out.resolve("val.txt"));
            files.add("val.txt", "X-CLIP DATA.VAL_FILE, same layout");
        }

        for (int k : plan.fewShotShots()) {
            String name = "few_shot/" + Splits.fewShotListName(k);
            Splits.kShot(train, k, plan.config().seed()).write(out.resolve(name));
            files.add(name, k + " train clips per class (ViFi-CLIP few-shot list, drawn by Splits.kShot with the"
                    + " dataset seed: the clips of a smaller K are among those of a larger K)");
        }

        if (!plan.novelClasses().isEmpty()) {
            writeBaseNovel(out, plan, labels, train, val, files);
        }

        writeRetrieval(out, plan, files);
        writeTaggedTexts(out, plan, files);
        if (!plan.longVideos().isEmpty()) {
            writeLocalisation(out, plan, files);
        }
        return files;
    }

    /** An X-CLIP list of clips with dataset class ids. */
    private static VideoList list(List<ClipPlan> clips, LabelTable labels, String root, DatasetPlan plan) {
        List<VideoEntry> entries = new ArrayList<>(clips.size());
        for (ClipPlan clip : clips) {
            entries.add(new VideoEntry(root, clip.fileName(), plan.classId(clip.action()), 0));
        }
        return VideoList.of(root, entries, labels);
    }

    private static void writeBaseNovel(Path out, DatasetPlan plan, LabelTable labels, VideoList train,
                                       VideoList val, Written files) {
        // ViFi-CLIP numbers base and novel classes separately, 0..n-1 each, with their own label files
        BaseNovelSplit split = Splits.baseNovel(labels,
                plan.baseClasses().stream().mapToInt(plan::classId).toArray());
        split.base().write(out.resolve("base2novel/base_labels.csv"));
        split.novel().write(out.resolve("base2novel/novel_labels.csv"));
        files.add("base2novel/base_labels.csv", "base classes, numbered 0..n-1 (ViFi-CLIP *_base_labels.csv)");
        files.add("base2novel/novel_labels.csv", "novel classes, numbered 0..n-1 (ViFi-CLIP *_novel_labels.csv)");

        VideoList baseTrain = split.baseVideos(train);
        baseTrain.write(out.resolve("base2novel/base_train.txt"));
        files.add("base2novel/base_train.txt", "all train clips of the base classes, base ids");
        for (int s = 1; s <= 3; s++) {
            String name = "base2novel/" + Splits.baseTrainListName(s);
            Splits.kShot(baseTrain, plan.baseShots(), Seeds.derive(plan.config().seed(), Seeds.Stream.BASE_FEW_SHOT,
                    s, 0)).write(out.resolve(name));
            files.add(name, plan.baseShots() + " train clips per base class, sample seed " + s
                    + " (ViFi-CLIP " + Splits.baseTrainListName(s) + ")");
        }
        VideoList baseVal = split.baseVideos(val);
        if (baseVal.size() > 0) {
            baseVal.write(out.resolve("base2novel/base_val.txt"));
            files.add("base2novel/base_val.txt", "val clips of the base classes, base ids");
        }
        VideoList novelVal = split.novelVideos(val);
        if (novelVal.size() > 0) {
            novelVal.write(out.resolve("base2novel/novel_val.txt"));
            files.add("base2novel/novel_val.txt", "val clips of the novel classes, novel ids");
        }
    }

    private static void writeRetrieval(Path out, DatasetPlan plan, Written files) {
        Map<String, List<String>> all = new LinkedHashMap<>();
        for (ClipPlan clip : plan.clips()) {
            all.put(clip.id(), clip.captions());
        }
        Captions captions = Captions.of(all);
        captions.writeCsv(out.resolve("retrieval/captions.csv"));
        files.add("retrieval/captions.csv", "all captions, 'video_id,sentence', " + plan.config().captionsPerVideo()
                + " per video, the canonical one first");
        captions.writeMsrvttJson(out.resolve("retrieval/msrvtt_data.json"));
        files.add("retrieval/msrvtt_data.json", "the same captions in the MSR-VTT / CLIP4Clip msrvtt_data.json layout");

        List<String> trainIds = plan.clips(Split.TRAIN).stream().map(ClipPlan::id).toList();
        List<ClipPlan> test = plan.clips(Split.VAL);
        captions.select(trainIds).writeCsv(out.resolve("retrieval/captions_train.csv"));
        files.add("retrieval/captions_train.csv", "captions of the train clips, 'video_id,sentence'");
        StringBuilder trainList = new StringBuilder("video_id\n");
        trainIds.forEach(id -> trainList.append(id).append('\n'));
        writeText(out.resolve("retrieval/train_videos.csv"), trainList.toString());
        files.add("retrieval/train_videos.csv", "train video ids, header 'video_id' (MSRVTT_train.9k.csv layout)");
        writeText(out.resolve("retrieval/train_list.txt"), String.join("\n", trainIds) + "\n");
        files.add("retrieval/train_list.txt", "train video ids, one per line (MSVD train_list.txt layout)");
        if (!test.isEmpty()) {
            captions.select(test.stream().map(ClipPlan::id).toList())
                    .writeCsv(out.resolve("retrieval/captions_test.csv"));
            files.add("retrieval/captions_test.csv", "captions of the val clips (the retrieval test set)");
            writeText(out.resolve("retrieval/test_list.txt"),
                    String.join("\n", test.stream().map(ClipPlan::id).toList()) + "\n");
            files.add("retrieval/test_list.txt", "val video ids, one per line (MSVD test_list.txt layout)");
            // CLIP4Clip / CenterCLIP test file: one sentence per video, 'key,vid_key,video_id,sentence'; the
            // second caption (a paraphrase) where there is one, so the test is not the class-name template
            StringBuilder jsfusion = new StringBuilder("key,vid_key,video_id,sentence\n");
            for (int i = 0; i < test.size(); i++) {
                ClipPlan clip = test.get(i);
                String sentence = clip.captions().get(Math.min(1, clip.captions().size() - 1));
                jsfusion.append(Csv.formatRecord(List.of("ret" + i, clip.id(), clip.id(), sentence))).append('\n');
            }
            writeText(out.resolve("retrieval/test_jsfusion.csv"), jsfusion.toString());
            files.add("retrieval/test_jsfusion.csv", "one caption per val clip, 'key,vid_key,video_id,sentence'"
                    + " (MSRVTT_JSFUSION_test.csv layout)");
        }
    }

    /** Texts per clip for training (with their tags, partial texts and hard negatives). */
    static final int PARTIAL_TEXTS = 10;

    /** A query is asked only when at least this many test clips match it, so that precision@5 can reach 100 %. */
    static final int MIN_QUERY_MATCHES = 5;

    /**
     * {@code retrieval/texts.jsonl} (every clip: tags, captions and partial texts with the tags they assert, hard
     * negatives; {@code TRAIN.LOSS joint} with {@code DATA.TEXTS}) and {@code retrieval/attribute_queries.json} (the
     * test clips' tags and attribute queries such as "a red shape", "a shape moving up", "a blue star growing";
     * {@code vclip retrieval --attribute-queries}).
     */
    private static void writeTaggedTexts(Path out, DatasetPlan plan, Written files) {
        List<TaggedTexts.Video> videos = new ArrayList<>();
        for (ClipPlan clip : plan.clips()) {
            Random rng = Seeds.random(plan.config().seed(), Seeds.Stream.CLIP_TEXTS, clip.action().ordinal(),
                    clip.number());
            Set<String> tags = Describer.tags(clip.action(), clip.target());
            videos.add(new TaggedTexts.Video(clip.id(), tags,
                    Describer.trainingTexts(rng, clip.action(), clip.target(), clip.captions(), PARTIAL_TEXTS),
                    Describer.hardNegatives(rng, clip.action(), clip.target())));
        }
        TaggedTexts.of(videos).write(out.resolve("retrieval/texts.jsonl"));
        files.add("retrieval/texts.jsonl", "per clip: its tags (colour, shape, action), its captions and " + PARTIAL_TEXTS
                + " partial texts ('a red shape', 'a shape moving left') with the tags each asserts, and 6 hard "
                + "negatives that differ in one attribute (TRAIN.LOSS joint, DATA.TEXTS)");

        List<ClipPlan> test = plan.clips(Split.VAL);
        if (test.isEmpty()) {
            return;
        }
        ObjectNode root = JSON.createObjectNode();
        root.put("note", "attribute queries over the val clips: a clip is a hit when its target shape has every tag"
                + " of the query; only queries with at least " + MIN_QUERY_MATCHES + " matching clips are asked");
        root.put("min_matches", MIN_QUERY_MATCHES);
        ObjectNode clips = root.putObject("clips");
        Map<String, Map<Set<String>, String[]>> byKind = new LinkedHashMap<>();
        for (String kind : Describer.QUERY_KINDS) {
            byKind.put(kind, new LinkedHashMap<>());
        }
        Map<Set<String>, Integer> matches = new java.util.HashMap<>();
        for (ClipPlan clip : test) {
            ArrayNode t = clips.putArray(clip.id());
            new TreeSet<>(Describer.tags(clip.action(), clip.target())).forEach(t::add);
            String colour = clip.target().colour().word();
            String shape = clip.target().shape().word();
            String action = clip.action().label();
            for (String kind : Describer.QUERY_KINDS) {
                Set<String> qt = Describer.attributeQueryTags(kind, colour, shape, action);
                byKind.get(kind).putIfAbsent(qt, new String[]{Describer.attributeQuery(kind, colour, shape, action)});
                matches.merge(qt, 1, Integer::sum);
            }
        }
        ArrayNode queries = root.putArray("queries");
        for (var kind : byKind.entrySet()) {
            Map<String, Set<String>> sorted = new TreeMap<>();
            kind.getValue().forEach((tags, text) -> sorted.put(text[0], tags));
            for (var q : sorted.entrySet()) {
                int n = matches.get(q.getValue());
                if (n < MIN_QUERY_MATCHES) {
                    continue;
                }
                ObjectNode node = queries.addObject();
                node.put("kind", kind.getKey());
                node.put("text", q.getKey());
                ArrayNode t = node.putArray("tags");
                new TreeSet<>(q.getValue()).forEach(t::add);
                node.put("matches", n);
            }
        }
        writeJson(out.resolve("retrieval/attribute_queries.json"), root);
        files.add("retrieval/attribute_queries.json", "the val clips' tags and attribute queries with at least "
                + MIN_QUERY_MATCHES + " matching clips ('a red shape', 'a shape moving up', 'a blue star growing'):"
                + " vclip retrieval --attribute-queries");
    }

    private static void writeLocalisation(Path out, DatasetPlan plan, Written files) {
        List<Triplets.Triplet> rows = new ArrayList<>();
        ObjectNode timeline = JSON.createObjectNode();
        timeline.put("frame_convention", "events span [start_frame, end_frame): end_frame is the first frame after"
                + " the event; frames count from 0");
        ArrayNode videos = timeline.putArray("videos");
        for (LongVideoPlan v : plan.longVideos()) {
            ObjectNode vn = videos.addObject();
            vn.put("video_id", v.id());
            vn.put("file", LONG + "/" + v.fileName());
            vn.put("frames", v.frames());
            vn.put("fps", v.fps());
            vn.put("seconds", v.seconds());
            vn.put("background", v.background().words());
            ArrayNode companions = vn.putArray("static_shapes");
            for (Sprite s : v.companions()) {
                companions.add(s.words());
            }
            ArrayNode events = vn.putArray("events");
            for (LongVideoPlan.Event e : v.events()) {
                ObjectNode en = events.addObject();
                en.put("index", e.index());
                en.put("class_id", plan.classId(e.action()));
                en.put("label", e.action().label());
                en.put("shape", e.sprite().shape().word());
                en.put("colour", e.sprite().colour().word());
                en.put("start_frame", e.startFrame());
                en.put("end_frame", e.endFrame());
                en.put("start_seconds", round3((double) e.startFrame() / v.fps()));
                en.put("end_seconds", round3((double) e.endFrame() / v.fps()));
                ArrayNode texts = en.putArray("captions");
                e.captions().forEach(texts::add);
                rows.add(new Triplets.Triplet(v.id(), e.captions().get(0), e.startFrame(), e.endFrame(),
                        OptionalDouble.of(v.fps()), 0));
            }
        }
        Triplets.of(rows).write(out.resolve("localisation/triplets.csv"));
        files.add("localisation/triplets.csv", "one query per event, 'video_id,text,start_frame,end_frame,fps', the"
                + " moment [start_frame, end_frame) (XCLIP_Baseline triplets)");
        writeJson(out.resolve("localisation/timeline.json"), timeline);
        files.add("localisation/timeline.json", "every long video's events with class, shape, colour, frames,"
                + " seconds and several captions");
    }

    /** dataset.json: what was generated and how, written last (its presence marks a complete dataset). */
    static void writeDatasetJson(Path out, DatasetPlan plan, VideoCodec codec, boolean tar, Written files) {
        SynthConfig c = plan.config();
        ObjectNode root = JSON.createObjectNode();
        root.put("name", "vclip-synth");
        root.put("description", "Synthetic video-text dataset: coloured shapes performing actions on textured"
                + " backgrounds, made by 'vclip synth'. Same seed and settings give the same annotation files and"
                + " the same decoded frames.");
        root.put("generator", "vclip synth");
        root.put("generator_version", GENERATOR_VERSION);
        root.put("seed", c.seed());
        root.put("size", c.size().word());

        ObjectNode video = root.putObject("video");
        video.put("container", "mp4");
        video.put("codec", codec.codecName());
        video.put("encoder", codec.encoderName());
        video.put("pixel_format", "yuv420p");
        video.put("width", c.width());
        video.put("height", c.height());
        video.put("fps", c.fps());
        video.put("clip_frames", c.clipFrames());
        video.put("clip_seconds", round3((double) c.clipFrames() / c.fps()));
        video.put("keyframe_interval", SyntheticDataset.KEYFRAME_INTERVAL);

        ObjectNode counts = root.putObject("counts");
        counts.put("classes", c.classes().size());
        counts.put("clips_per_class", c.clipsPerClass());
        counts.put("clips", plan.clips().size());
        counts.put("train", plan.clips(Split.TRAIN).size());
        counts.put("val", plan.clips(Split.VAL).size());
        counts.put("captions_per_clip", c.captionsPerVideo());
        counts.put("long_videos", plan.longVideos().size());
        counts.put("events", plan.longVideos().stream().mapToInt(v -> v.events().size()).sum());
        counts.put("frames", plan.totalFrames());

        ArrayNode classes = root.putArray("classes");
        for (Action a : c.classes()) {
            ObjectNode cn = classes.addObject();
            cn.put("id", plan.classId(a));
            cn.put("name", a.label());
            Action p = a.partner();
            if (p != null && c.classes().contains(p)) {
                cn.put("direction_pair_of", plan.classId(p));
            } else {
                cn.putNull("direction_pair_of");
            }
            cn.put("base_to_novel", plan.novelClasses().isEmpty() ? "base"
                    : plan.baseClasses().contains(a) ? "base" : "novel");
        }
        ArrayNode pairs = root.putArray("direction_pairs");
        for (List<Action> pair : plan.directionPairs()) {
            ArrayNode pn = pairs.addArray();
            pn.add(plan.classId(pair.get(0)));
            pn.add(plan.classId(pair.get(1)));
        }
        root.put("direction_pairs_note", "each pair differs only in direction or time order: the second class's"
                + " clips are planned as the first class's clips played backwards, so both have the same"
                + " distribution of single frames and a model blind to frame order scores at chance between them");

        ObjectNode splits = root.putObject("splits");
        splits.put("rule", "per class, clips 0.." + (plan.trainPerClass() - 1) + " train, the rest val (clips are"
                + " independent draws, so this is a random split)");
        splits.put("train_per_class", plan.trainPerClass());
        splits.put("val_per_class", c.clipsPerClass() - plan.trainPerClass());
        splits.put("train", "train.txt");
        splits.put("val", plan.clips(Split.VAL).isEmpty() ? null : "val.txt");
        ObjectNode fewShot = splits.putObject("few_shot");
        plan.fewShotShots().forEach(k -> fewShot.put(Integer.toString(k), "few_shot/" + Splits.fewShotListName(k)));
        ArrayNode skipped = splits.putArray("few_shot_skipped");
        for (int k : Splits.VIFI_CLIP_SHOTS) {
            if (!plan.fewShotShots().contains(k)) {
                skipped.add(k);
            }
        }

        ObjectNode b2n = root.putObject("base_to_novel");
        b2n.put("rule", "direction pairs stay together (the second member is the first played backwards, so"
                + " splitting a pair would show the novel class's frames in training under the other label);"
                + " units (pairs and unpaired classes) in class-id order alternate base, novel, base, ...");
        ArrayNode baseIds = b2n.putArray("base");
        plan.baseClasses().forEach(a -> baseIds.add(plan.classId(a)));
        ArrayNode novelIds = b2n.putArray("novel");
        plan.novelClasses().forEach(a -> novelIds.add(plan.classId(a)));
        if (plan.novelClasses().isEmpty()) {
            b2n.put("skipped", "fewer than two class groups: nothing to hold out");
        } else {
            b2n.put("shots", plan.baseShots());
            b2n.put("folder", "base2novel");
        }

        ObjectNode retrieval = root.putObject("retrieval");
        retrieval.put("captions", "retrieval/captions.csv");
        retrieval.put("msrvtt_json", "retrieval/msrvtt_data.json");
        retrieval.put("test_split", "the val clips");
        retrieval.put("canonical_caption", "the first caption of each clip: 'a <colour> <shape> <class name>'");

        ObjectNode loc = root.putObject("localisation");
        loc.put("long_videos", plan.longVideos().size());
        loc.put("min_seconds", c.longSeconds());
        loc.put("triplets", plan.longVideos().isEmpty() ? null : "localisation/triplets.csv");
        loc.put("timeline", plan.longVideos().isEmpty() ? null : "localisation/timeline.json");
        loc.put("frame_convention", "[start_frame, end_frame), end exclusive");
        loc.put("events", "events never overlap and are separated by idle stretches (background and static shapes"
                + " only); each event's shape exists only from its start_frame to its end_frame, so an appearing"
                + " event ends, and a vanishing event starts, with the shape popping in or out at the boundary");

        ObjectNode fileNode = root.putObject("files");
        fileNode.put(VIDEOS + "/", plan.clips().size() + " short clips, <class>_<number>.mp4");
        if (!plan.longVideos().isEmpty()) {
            fileNode.put(LONG + "/", plan.longVideos().size() + " long videos for localisation, long_<number>.mp4");
        }
        if (tar) {
            fileNode.put(TAR, "the short clips as a tar archive (X-CLIP DATA.ROOT option 2)");
        }
        files.described.forEach(fileNode::put);
        fileNode.put(DATASET_JSON, "this file");
        writeJson(out.resolve(DATASET_JSON), root);
    }

    private static double round3(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    static void writeText(Path file, String text) {
        AtomicFiles.write(file, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Pretty JSON with '\n' line ends on every platform, so the bytes do not depend on the machine; objects one
     * field per line, arrays on the line they start on ({@code [ 0, 1 ]}, {@code [ {...}, {...} ]}).
     */
    static void writeJson(Path file, ObjectNode node) {
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter()
                .withObjectIndenter(new DefaultIndenter("  ", "\n"))
                .withoutSpacesInObjectEntries();
        try {
            writeText(file, JSON.writer(printer).writeValueAsString(node) + "\n");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + file + ": " + e.getMessage(), e);
        }
    }
}
