package dev.vclip.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Where the time of one model call goes, op by op: libtorch's own profiler records every aten op of the call with
 * its input shapes (DJL's {@code JniUtils.startProfile} / {@code stopProfile}, a Chrome trace), nested ops are
 * subtracted to give each op its self time, and ops are grouped by kind (GEMMs, attention, norms, activations,
 * element-wise, copies, views). The call's wall time minus the time inside libtorch ops is what the JVM side costs
 * (JNI calls, NDArray objects, the profiler's own bookkeeping). GEMMs get their rate from the shapes, and the same
 * shapes are timed alone, next to a 2048³ product: the backend's GEMM roof on this machine.
 */
final class OpProfile {

    /** One op name with one list of input shapes: calls, self time, floating-point operations when a GEMM. */
    record OpShape(String op, String shapes, int calls, double selfMs, double gflop) {
        double gflops() {
            return gflop > 0 ? gflop / (selfMs / 1000) : Double.NaN;
        }
    }

    /** A GEMM m×k·k×n timed alone (median of runs): its rate next to the rate the model reached with it. */
    record GemmRate(long m, long k, long n, long batch, double gflops, double inModelGflops, double inModelMs) {
    }

    private final double wallMs;
    private final List<OpShape> rows;
    private final Map<String, double[]> categories; // name -> {ms, calls}
    private final long ops;
    private final long minorFaults;

    private OpProfile(double wallMs, List<OpShape> rows, Map<String, double[]> categories, long ops, long minorFaults) {
        this.wallMs = wallMs;
        this.rows = rows;
        this.categories = categories;
        this.ops = ops;
        this.minorFaults = minorFaults;
    }

    /** Profiles one call of {@code body} (which must finish its work before returning, e.g. by reading its result). */
    static OpProfile of(Runnable body) {
        Path trace;
        try {
            trace = Files.createTempFile("vclip-profile-", ".json");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            long faults = minorFaults();
            ai.djl.pytorch.jni.JniUtils.startProfile(false, true, false);
            long start = System.nanoTime();
            double wall;
            try {
                body.run();
            } finally {
                wall = (System.nanoTime() - start) / 1e6;
                ai.djl.pytorch.jni.JniUtils.stopProfile(trace.toString());
            }
            faults = minorFaults() - faults;
            return parse(new ObjectMapper().readTree(trace.toFile()), wall, faults);
        } catch (IOException e) {
            throw new UncheckedIOException("reading libtorch's profile " + trace, e);
        } finally {
            try {
                Files.deleteIfExists(trace);
            } catch (IOException ignored) {
                // a temporary file
            }
        }
    }

    /** The profile of a Chrome trace's complete events ("ph": "X", times in microseconds). */
    static OpProfile parse(JsonNode trace, double wallMs, long minorFaults) {
        JsonNode events = trace.isArray() ? trace : trace.path("traceEvents");
        Map<Long, List<Event>> byThread = new LinkedHashMap<>();
        for (JsonNode e : events) {
            if ("X".equals(e.path("ph").asText())) {
                byThread.computeIfAbsent(e.path("tid").asLong(), t -> new ArrayList<>()).add(new Event(
                        e.path("name").asText(), e.path("ts").asDouble(), e.path("dur").asDouble(), shapes(e.path("shape"))));
            }
        }
        long count = 0;
        Map<String, OpShape> rows = new LinkedHashMap<>();
        Map<String, double[]> categories = new LinkedHashMap<>();
        for (String c : CATEGORIES) {
            categories.put(c, new double[2]);
        }
        for (List<Event> thread : byThread.values()) {
            selfTimes(thread);
            for (Event e : thread) {
                count++;
                String key = e.name + " " + e.shapeText();
                OpShape old = rows.get(key);
                double gflop = gemmFlop(e.name, e.shapes) / 1e9;
                rows.put(key, old == null ? new OpShape(e.name, e.shapeText(), 1, e.self / 1000, gflop)
                        : new OpShape(e.name, old.shapes(), old.calls() + 1, old.selfMs() + e.self / 1000,
                        old.gflop() + gflop));
                double[] c = categories.get(category(e.name));
                c[0] += e.self / 1000;
                c[1]++;
            }
        }
        List<OpShape> sorted = new ArrayList<>(rows.values());
        sorted.sort(Comparator.comparingDouble(OpShape::selfMs).reversed());
        return new OpProfile(wallMs, sorted, categories, count, minorFaults);
    }

    private static final class Event {
        final String name;
        final double start;
        final double duration;
        final long[][] shapes;
        double self;

        Event(String name, double start, double duration, long[][] shapes) {
            this.name = name;
            this.start = start;
            this.duration = duration;
            this.shapes = shapes;
            this.self = duration;
        }

        double end() {
            return start + duration;
        }

        String shapeText() {
            StringBuilder b = new StringBuilder();
            for (long[] s : shapes) {
                if (s.length == 0) {
                    continue;
                }
                b.append(b.length() == 0 ? "" : " ").append(Arrays.toString(s).replace(" ", ""));
            }
            return b.toString();
        }
    }

    /** Self time = duration minus the durations of the ops called inside it (the profiler nests by time). */
    private static void selfTimes(List<Event> thread) {
        thread.sort(Comparator.comparingDouble((Event e) -> e.start).thenComparing(e -> -e.duration));
        Deque<Event> open = new ArrayDeque<>();
        for (Event e : thread) {
            while (!open.isEmpty() && open.peek().end() <= e.start) {
                open.pop();
            }
            if (!open.isEmpty()) {
                open.peek().self -= e.duration;
            }
            open.push(e);
        }
    }

    private static long[][] shapes(JsonNode shape) {
        long[][] out = new long[shape.size()][];
        for (int i = 0; i < out.length; i++) {
            JsonNode s = shape.get(i);
            out[i] = new long[s.isArray() ? s.size() : 0];
            for (int j = 0; j < out[i].length; j++) {
                out[i][j] = s.get(j).asLong();
            }
        }
        return out;
    }

    /** 2·m·k·n for the matrix products (addmm's inputs are bias, a, b). */
    static double gemmFlop(String op, long[][] s) {
        try {
            return switch (op) {
                case "aten::mm" -> 2.0 * s[0][0] * s[0][1] * s[1][1];
                case "aten::addmm" -> 2.0 * s[1][0] * s[1][1] * s[2][1];
                case "aten::bmm" -> 2.0 * s[0][0] * s[0][1] * s[0][2] * s[1][2];
                case "aten::baddbmm" -> 2.0 * s[1][0] * s[1][1] * s[1][2] * s[2][2];
                default -> 0;
            };
        } catch (ArrayIndexOutOfBoundsException e) {
            return 0; // shapes not recorded
        }
    }

    static final List<String> CATEGORIES = List.of("GEMM (linear layers, patch embedding)",
            "attention (batched GEMMs, or fused)", "softmax", "layer norm", "activation",
            "element-wise (add, mul, ...)", "copies and concatenation", "views (no data moved)", "other");

    static String category(String op) {
        return switch (op) {
            case "aten::mm", "aten::addmm", "aten::linear", "aten::matmul", "aten::convolution",
                 "aten::mkldnn_convolution" -> CATEGORIES.get(0);
            case "aten::bmm", "aten::baddbmm", "aten::scaled_dot_product_attention",
                 "aten::_scaled_dot_product_flash_attention_for_cpu",
                 "aten::_scaled_dot_product_attention_math" -> CATEGORIES.get(1);
            case "aten::_softmax", "aten::softmax" -> CATEGORIES.get(2);
            case "aten::native_layer_norm", "aten::layer_norm" -> CATEGORIES.get(3);
            case "aten::sigmoid", "aten::gelu", "aten::tanh", "aten::relu", "aten::silu" -> CATEGORIES.get(4);
            case "aten::mul", "aten::mul_", "aten::add", "aten::add_", "aten::sub", "aten::div", "aten::div_",
                 "aten::sqrt", "aten::pow", "aten::sum", "aten::mean", "aten::norm", "aten::fill_", "aten::full",
                 "aten::neg", "aten::exp", "aten::rsqrt" -> CATEGORIES.get(5);
            case "aten::copy_", "aten::cat", "aten::clone", "aten::contiguous", "aten::_to_copy", "aten::to",
                 "aten::index", "aten::index_select", "aten::empty", "aten::empty_like", "aten::empty_strided",
                 "aten::zeros", "aten::resize_" -> CATEGORIES.get(6);
            case "aten::view", "aten::reshape", "aten::_unsafe_view", "aten::as_strided", "aten::t",
                 "aten::transpose", "aten::permute", "aten::expand", "aten::slice", "aten::narrow", "aten::select",
                 "aten::unsqueeze", "aten::squeeze", "aten::alias", "aten::detach", "aten::unfold",
                 "aten::expand_as", "aten::flatten", "aten::split", "aten::chunk" -> CATEGORIES.get(7);
            default -> CATEGORIES.get(8);
        };
    }

    double opMs() {
        return categories.values().stream().mapToDouble(c -> c[0]).sum();
    }

    double gemmGflop() {
        return rows.stream().mapToDouble(OpShape::gflop).sum();
    }

    List<OpShape> rows() {
        return rows;
    }

    Map<String, double[]> categories() {
        return categories;
    }

    /**
     * Times each distinct 2-D GEMM shape of the profile alone ({@code matMul} of fresh random matrices, the same
     * threads), median of {@code runs}, plus 2048³, the backend's practical roof.
     */
    List<GemmRate> gemmRates(NDManager manager, int runs, int top) {
        List<GemmRate> out = new ArrayList<>();
        out.add(rate(manager, 2048, 2048, 2048, 1, runs, Double.NaN, Double.NaN));
        rows.stream().filter(r -> r.gflop() > 0).limit(top).forEach(r -> {
            long[][] s = parseShapes(r.shapes());
            boolean add = r.op().equals("aten::addmm");
            boolean batched = r.op().equals("aten::bmm");
            long[] a = s[add ? 1 : 0];
            long[] b = s[add ? 2 : 1];
            out.add(batched ? rate(manager, a[1], a[2], b[2], a[0], runs, r.gflops(), r.selfMs())
                    : rate(manager, a[0], a[1], b[1], 1, runs, r.gflops(), r.selfMs()));
        });
        return out;
    }

    private static GemmRate rate(NDManager manager, long m, long k, long n, long batch, int runs, double inModel,
                                 double inModelMs) {
        try (NDManager scope = manager.newSubManager()) {
            Shape as = batch > 1 ? new Shape(batch, m, k) : new Shape(m, k);
            Shape bs = batch > 1 ? new Shape(batch, k, n) : new Shape(k, n);
            NDArray a = scope.randomNormal(as);
            NDArray b = scope.randomNormal(bs);
            double[] ms = new double[runs];
            a.matMul(b).close(); // warm-up
            for (int i = 0; i < runs; i++) {
                long start = System.nanoTime();
                try (NDArray c = a.matMul(b)) {
                    c.getFloat(new long[c.getShape().dimension()]); // read one element: the product is done
                }
                ms[i] = (System.nanoTime() - start) / 1e6;
            }
            Arrays.sort(ms);
            double flop = 2.0 * m * k * n * batch;
            return new GemmRate(m, k, n, batch, flop / (ms[runs / 2] / 1000) / 1e9, inModel, inModelMs);
        }
    }

    private static long[][] parseShapes(String text) {
        String[] parts = text.split(" ");
        long[][] out = new long[parts.length][];
        for (int i = 0; i < parts.length; i++) {
            String inner = parts[i].substring(1, parts[i].length() - 1);
            out[i] = inner.isEmpty() ? new long[0] : Arrays.stream(inner.split(",")).mapToLong(Long::parseLong).toArray();
        }
        return out;
    }

    /** Minor page faults of this process so far ({@code /proc/self/stat} field 10); -1 where unreadable. */
    static long minorFaults() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[7]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    void print(PrintWriter o, String what, List<GemmRate> gemms, int top) {
        double inOps = opMs();
        o.printf(Locale.ROOT, "%nprofile of one call: %s (libtorch profiler; self time per op, nested ops subtracted)%n",
                what);
        o.printf(Locale.ROOT, "  wall %.1f ms (profiler on); inside libtorch ops %.1f ms (%.0f %%); outside them (JNI, "
                + "Java, the profiler's bookkeeping) %.1f ms; %d ops; %s minor page faults%n", wallMs, inOps,
                100 * inOps / wallMs, wallMs - inOps, ops, minorFaults < 0 ? "?" : String.valueOf(minorFaults));
        o.printf(Locale.ROOT, "  %-46s %9s %7s %7s%n", "kind of op", "ms", "share", "ops");
        for (Map.Entry<String, double[]> c : categories.entrySet()) {
            if (c.getValue()[1] > 0) {
                o.printf(Locale.ROOT, "  %-46s %9.1f %6.1f%% %7d%n", c.getKey(), c.getValue()[0],
                        100 * c.getValue()[0] / wallMs, (long) c.getValue()[1]);
            }
        }
        o.printf(Locale.ROOT, "  top %d op shapes by self time%n  %-16s %6s %9s %9s  %s%n", top, "op", "calls", "ms",
                "GFLOP/s", "input shapes");
        rows.stream().limit(top).forEach(r -> o.printf(Locale.ROOT, "  %-16s %6d %9.2f %9s  %s%n", r.op(), r.calls(),
                r.selfMs(), Double.isNaN(r.gflops()) ? "" : String.format(Locale.ROOT, "%.0f", r.gflops()), r.shapes()));
        if (!gemms.isEmpty()) {
            o.printf(Locale.ROOT, "  GEMM rate of this backend, each shape timed alone (median):%n");
            for (GemmRate g : gemms) {
                o.printf(Locale.ROOT, "    %-28s %7.0f GFLOP/s%s%n", (g.batch() > 1 ? g.batch() + " x " : "") + g.m()
                        + "x" + g.k() + "x" + g.n(), g.gflops(), Double.isNaN(g.inModelGflops()) ? "  (the roof)"
                        : String.format(Locale.ROOT, "  in the model %.0f GFLOP/s", g.inModelGflops()));
            }
            double roof = gemms.get(0).gflops();
            double gflop = gemmGflop();
            o.printf(Locale.ROOT, "  the call: %.2f GFLOP of matrix products in %.1f ms = %.0f GFLOP/s, %.0f %% of the "
                    + "roof (GEMMs alone: %.0f %%)%n", gflop, wallMs, gflop / (wallMs / 1000), 100 * gflop
                    / (wallMs / 1000) / roof, 100 * gflop / (gemmMs() / 1000) / roof);
        }
    }

    private double gemmMs() {
        return rows.stream().filter(r -> r.gflop() > 0).mapToDouble(OpShape::selfMs).sum();
    }

    ObjectNode toJson(List<GemmRate> gemms, int top) {
        ObjectNode p = new ObjectMapper().createObjectNode();
        p.put("wall_ms", wallMs).put("op_ms", opMs()).put("outside_ops_ms", wallMs - opMs()).put("ops", ops)
                .put("minor_page_faults", minorFaults).put("gemm_gflop", gemmGflop());
        ObjectNode cats = p.putObject("categories");
        categories.forEach((k, v) -> cats.putObject(k).put("ms", v[0]).put("ops", (long) v[1]));
        ArrayNode topRows = p.putArray("top");
        rows.stream().limit(top).forEach(r -> {
            ObjectNode n = topRows.addObject().put("op", r.op()).put("shapes", r.shapes()).put("calls", r.calls())
                    .put("self_ms", r.selfMs());
            if (r.gflop() > 0) {
                n.put("gflops", r.gflops());
            }
        });
        ArrayNode g = p.putArray("gemm_rates");
        for (GemmRate r : gemms) {
            ObjectNode n = g.addObject().put("m", r.m()).put("k", r.k()).put("n", r.n()).put("batch", r.batch())
                    .put("gflops", r.gflops());
            if (!Double.isNaN(r.inModelGflops())) {
                n.put("in_model_gflops", r.inModelGflops()).put("in_model_ms", r.inModelMs());
            }
        }
        if (!gemms.isEmpty()) {
            p.put("fraction_of_gemm_roof", gemmGflop() / (wallMs / 1000) / gemms.get(0).gflops());
        }
        return p;
    }

    /** Profiles one call that returns an array: the array is read back (the work done) and closed. */
    static OpProfile ofCall(Supplier<NDArray> call) {
        return of(() -> {
            try (NDArray out = call.get()) {
                out.toFloatArray();
            }
        });
    }
}
