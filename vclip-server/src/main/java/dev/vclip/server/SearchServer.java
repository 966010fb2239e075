package dev.vclip.server;

import dev.vclip.VclipException;
import dev.vclip.search.IndexEntry;
import dev.vclip.search.IndexStatus;
import dev.vclip.search.LibrarySearch;
import dev.vclip.search.SearchHit;
import dev.vclip.search.SearchQuery;
import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * The HTTP server of {@code vclip serve}: a JSON API and a web page over one {@link LibrarySearch}, which serves every
 * request (it is thread-safe by contract).
 *
 * <pre>
 * try (SearchServer server = SearchServer.start(library, SearchServer.Options.defaults().withPort(0))) {
 *     System.out.println(server.url());   // http://127.0.0.1:PORT/
 *     ...
 * }
 * </pre>
 *
 * <p>The API ({@code GET} only; errors are {@code {"error": "..."}} with 400 naming the parameter, 401, 403, 404,
 * 414/431 past Jetty's request size limits, 416, 503 when busy or too slow, 500 without any detail):
 * <ul>
 *   <li>{@code /api/search?q=TEXT} or {@code ?like=ENTRY_ID}, with {@code top} (results per page, 1 to
 *       {@value #MAX_PAGE_SIZE}, default {@value #DEFAULT_PAGE_SIZE}), {@code page} (from 1; {@code page × top} at
 *       most {@link SearchQuery#MAX_TOP}), {@code scope} ({@code all|videos|moments}), {@code prefix} (of the video's
 *       indexed path) and {@code min_duration} (seconds);</li>
 *   <li>{@code /api/entries/{id}} (metadata) and {@code /api/entries/{id}/thumbnail} (JPEG, cacheable);</li>
 *   <li>{@code /api/videos/{videoId}}: the indexed file, with Range requests (206, 416) so a browser can seek;</li>
 *   <li>{@code /api/status}: the index's counts and the server's load.</li>
 * </ul>
 * Only files {@link LibrarySearch#videoFile} returns are ever opened; no path is built from a request, and paths with
 * dot segments or encoded separators are refused (404) before routing. With a token, every request must carry it:
 * {@code Authorization: Bearer T}, a {@code token=T} query parameter, or the {@code vclip_token} cookie, which
 * opening {@code /?token=T} sets (then the page's own requests carry it).
 */
public final class SearchServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(SearchServer.class.getName());

    /** Results per page when {@code top} is not given, and the most a page may have. */
    public static final int DEFAULT_PAGE_SIZE = 24;
    public static final int MAX_PAGE_SIZE = 100;
    /** The longest path prefix filter, in characters. */
    static final int MAX_PREFIX_CHARS = 4096;
    /** The cookie the page's requests carry the token in. */
    static final String TOKEN_COOKIE = "vclip_token";
    private static final Pattern TOKEN_CHARS = Pattern.compile("[A-Za-z0-9._~+/=-]{8,512}");
    private static final List<String> WEB_FILES = List.of("index.html", "app.js", "style.css", "favicon.svg");

    /**
     * How to serve: where to listen ({@code port} 0: any free port), the token (null: none; required when
     * {@code host} is not a loopback address), at most {@code maxConcurrent} searches at once and {@code queue} more
     * waiting (503 past that), and how long a search may take, waiting included (503 past that).
     */
    public record Options(String host, int port, String token, int maxConcurrent, int queue, Duration timeout) {
        public static final String DEFAULT_HOST = "127.0.0.1";
        public static final int DEFAULT_PORT = 8080;
        public static final int DEFAULT_MAX_CONCURRENT = 2;
        public static final int DEFAULT_QUEUE = 16;
        public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

        public Options {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(timeout, "timeout");
            if (host.isBlank()) {
                throw new IllegalArgumentException("the host is empty");
            }
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("the port must be 0 to 65535, not " + port);
            }
            if (token != null && !validToken(token)) {
                throw new IllegalArgumentException(TOKEN_RULE);
            }
            if (maxConcurrent < 1 || queue < 0) {
                throw new IllegalArgumentException("max concurrent searches must be 1 or more and the queue 0 or "
                        + "more, not " + maxConcurrent + " and " + queue);
            }
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("the search timeout must be positive, not " + timeout);
            }
        }

        /** Loopback, port {@value #DEFAULT_PORT}, no token, 2 searches at once, 16 waiting, 30 s. */
        public static Options defaults() {
            return new Options(DEFAULT_HOST, DEFAULT_PORT, null, DEFAULT_MAX_CONCURRENT, DEFAULT_QUEUE,
                    DEFAULT_TIMEOUT);
        }

        public Options withHost(String v) {
            return new Options(v, port, token, maxConcurrent, queue, timeout);
        }

        public Options withPort(int v) {
            return new Options(host, v, token, maxConcurrent, queue, timeout);
        }

        public Options withToken(String v) {
            return new Options(host, port, v, maxConcurrent, queue, timeout);
        }

        public Options withMaxConcurrent(int v) {
            return new Options(host, port, token, v, queue, timeout);
        }

        public Options withQueue(int v) {
            return new Options(host, port, token, maxConcurrent, v, timeout);
        }

        public Options withTimeout(Duration v) {
            return new Options(host, port, token, maxConcurrent, queue, v);
        }

        @Override
        public String toString() { // never the token
            return "Options[host=" + host + ", port=" + port + ", token=" + (token == null ? "none" : "set")
                    + ", maxConcurrent=" + maxConcurrent + ", queue=" + queue + ", timeout=" + timeout + "]";
        }
    }

    /** What a token must look like. */
    public static final String TOKEN_RULE = "a token is 8 to 512 characters: letters, digits and - . _ ~ + / =";

    /** Whether {@code token} is usable (see {@link #TOKEN_RULE}). */
    public static boolean validToken(String token) {
        return token != null && TOKEN_CHARS.matcher(token).matches();
    }

    /**
     * Whether {@code host} names only loopback addresses (127.0.0.0/8, ::1, localhost).
     *
     * @throws IllegalArgumentException when the name does not resolve
     */
    public static boolean isLoopback(String host) {
        try {
            InetAddress[] all = InetAddress.getAllByName(host);
            for (InetAddress a : all) {
                if (!a.isLoopbackAddress()) {
                    return false;
                }
            }
            return all.length > 0;
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("cannot resolve the host '" + host + "'");
        }
    }

    private final LibrarySearch library;
    private final Options options;
    private final SearchPool pool;
    private final Map<String, byte[]> web;
    private final Javalin app;
    private final URI url;

    private SearchServer(LibrarySearch library, Options options) {
        boolean loopback = isLoopback(options.host());
        if (!loopback && options.token() == null) {
            throw new IllegalArgumentException("listening on " + options.host() + " (not loopback) needs a token");
        }
        this.library = library;
        this.options = options;
        this.web = loadWebFiles();
        this.pool = new SearchPool(options.maxConcurrent(), options.queue(), options.timeout());
        RequestGuard guard = new RequestGuard(loopback ? RequestGuard.loopbackHosts(options.host()) : null);
        QueuedThreadPool threads = new QueuedThreadPool(64, 4);
        threads.setName("vclip-http");
        threads.setDaemon(true);
        this.app = Javalin.create(c -> {
            c.startup.showJavalinBanner = false;
            c.startup.showOldJavalinVersionWarning = false;
            c.http.compressionStrategy = CompressionStrategy.NONE;
            c.http.maxRequestSize = 64 * 1024;
            c.jetty.threadPool = threads;
            c.jetty.modifyServer(server -> {
                server.setHandler(guard); // Javalin puts its servlet context inside
                server.setErrorHandler(new RequestGuard.JsonErrors());
            });
            c.jetty.modifyHttpConfiguration(http -> {
                // the guard, not Jetty, judges paths: it answers 404 and logs where Jetty would answer 400
                http.setUriCompliance(UriCompliance.UNSAFE);
                http.setSendServerVersion(false);
                http.setSendXPoweredBy(false);
                // a query of SearchQuery.MAX_TEXT_CHARS characters, each percent-encoded UTF-8, fits
                http.setRequestHeaderSize(16 * 1024);
            });
            c.router.javaLangErrorHandler((res, error) -> {
                LOG.log(System.Logger.Level.ERROR, "internal error", error);
                res.setStatus(500);
            });
            c.routes.before(this::authorize);
            c.routes.get("/", ctx -> webFile(ctx, "index.html"));
            for (String file : WEB_FILES) {
                c.routes.get("/" + file, ctx -> webFile(ctx, file));
            }
            c.routes.get("/api/status", this::status);
            c.routes.get("/api/search", this::search);
            c.routes.get("/api/entries/{id}", this::entry);
            c.routes.get("/api/entries/{id}/thumbnail", this::thumbnail);
            c.routes.get("/api/videos/{videoId}", this::video);
            c.routes.head("/api/videos/{videoId}", this::video);
            c.routes.exception(ApiError.class, (e, ctx) -> error(ctx, e.status(), e.getMessage()));
            c.routes.exception(VclipException.class, (e, ctx) -> error(ctx, 400, e.getMessage()));
            c.routes.exception(HttpResponseException.class, (e, ctx) -> error(ctx, e.getStatus(),
                    e.getStatus() == 404 ? "not found" : org.eclipse.jetty.http.HttpStatus.getMessage(e.getStatus())
                            .toLowerCase(Locale.ROOT)));
            c.routes.exception(Exception.class, (e, ctx) -> {
                LOG.log(System.Logger.Level.ERROR, "internal error answering " + ctx.method() + " "
                        + RequestGuard.printable(ctx.path()), e);
                error(ctx, 500, "internal error (the server's log has the details)");
            });
            c.routes.error(404, ctx -> {
                if (ctx.result() == null || ctx.result().isEmpty()) {
                    error(ctx, 404, "not found");
                }
            });
        });
        try {
            app.start(options.host(), options.port());
        } catch (RuntimeException e) {
            pool.close();
            throw new VclipException("cannot listen on " + options.host() + ":" + options.port() + ": "
                    + rootMessage(e), e);
        }
        String h = options.host().contains(":") ? "[" + options.host() + "]" : options.host();
        this.url = URI.create("http://" + h + ":" + app.port() + "/");
    }

    /**
     * Starts serving {@code library} as {@code options} say and returns once the server listens.
     *
     * @throws IllegalArgumentException when the host is not loopback and there is no token, or does not resolve
     * @throws VclipException           when the port cannot be bound
     */
    public static SearchServer start(LibrarySearch library, Options options) {
        return new SearchServer(Objects.requireNonNull(library, "library"), Objects.requireNonNull(options));
    }

    /** The port the server listens on (the one chosen when the options asked for 0). */
    public int port() {
        return app.port();
    }

    /** Where the page is, e.g. {@code http://127.0.0.1:8080/}. */
    public URI url() {
        return url;
    }

    /** Stops listening, waits for requests in progress, and stops the search threads. */
    @Override
    public void close() {
        try {
            app.stop();
        } finally {
            pool.close();
        }
    }

    // --- access ---

    private void authorize(Context ctx) {
        String token = options.token();
        if (token == null) {
            return;
        }
        String header = ctx.header("Authorization");
        String bearer = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
                ? header.substring(7).strip() : null;
        List<String> query = ctx.queryParamMap().getOrDefault("token", List.of());
        String fromQuery = query.size() == 1 ? query.get(0) : null;
        if (matches(bearer, token) || matches(ctx.cookie(TOKEN_COOKIE), token)) {
            return;
        }
        if (matches(fromQuery, token)) {
            if (ctx.path().equals("/")) {
                // the page: keep the token in a cookie for its own requests and take it out of the address bar
                ctx.header("Set-Cookie", TOKEN_COOKIE + "=" + token + "; Path=/; HttpOnly; SameSite=Strict");
                ctx.header("Cache-Control", "no-store");
                ctx.redirect("/" + queryWithout(ctx, "token"), io.javalin.http.HttpStatus.SEE_OTHER);
                ctx.skipRemainingHandlers();
            }
            return;
        }
        ctx.header("WWW-Authenticate", "Bearer");
        throw new ApiError(401, "this server needs its token: send 'Authorization: Bearer TOKEN', or open "
                + "/?token=TOKEN in the browser");
    }

    private static boolean matches(String given, String token) {
        return given != null && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
                token.getBytes(StandardCharsets.UTF_8));
    }

    private static String queryWithout(Context ctx, String name) {
        StringBuilder q = new StringBuilder();
        ctx.queryParamMap().forEach((k, values) -> {
            if (!k.equals(name)) {
                for (String v : values) {
                    q.append(q.length() == 0 ? "?" : "&").append(formEncode(k)).append('=').append(formEncode(v));
                }
            }
        });
        return q.toString();
    }

    // --- the page ---

    private static Map<String, byte[]> loadWebFiles() {
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (String name : WEB_FILES) {
            try (InputStream in = SearchServer.class.getResourceAsStream("web/" + name)) {
                if (in == null) {
                    throw new IllegalStateException("the page's file " + name + " is missing from the jar");
                }
                files.put(name, in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return Map.copyOf(files);
    }

    /** A file of the page; its address carries the page's own state (?q=...&page=...), read by the page. */
    private void webFile(Context ctx, String name) {
        String type = name.endsWith(".html") ? "text/html; charset=utf-8"
                : name.endsWith(".js") ? "text/javascript; charset=utf-8"
                : name.endsWith(".css") ? "text/css; charset=utf-8" : "image/svg+xml";
        ctx.header("Cache-Control", "no-cache");
        ctx.contentType(type).result(web.get(name));
    }

    // --- the API ---

    private void status(Context ctx) {
        allowOnly(ctx, Set.of());
        IndexStatus s = library.status();
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("model", s.model());
        doc.put("videos", s.videos());
        doc.put("moments", s.moments());
        doc.put("moment_seconds", s.momentSeconds());
        doc.put("moment_stride_seconds", s.momentStrideSeconds());
        List<Map<String, Object>> skipped = new ArrayList<>();
        for (IndexStatus.Skipped k : s.skipped()) {
            skipped.add(Map.of("path", k.path(), "reason", k.reason()));
        }
        doc.put("skipped", skipped);
        Map<String, Object> server = new LinkedHashMap<>();
        server.put("max_concurrent", options.maxConcurrent());
        server.put("queue", options.queue());
        server.put("running", pool.running());
        server.put("waiting", pool.waiting());
        server.put("timeout_seconds", options.timeout().toMillis() / 1000.0);
        server.put("max_text_chars", SearchQuery.MAX_TEXT_CHARS);
        server.put("max_page_size", MAX_PAGE_SIZE);
        server.put("max_results", SearchQuery.MAX_TOP);
        doc.put("server", server);
        json(ctx, doc);
    }

    private static final Set<String> SEARCH_PARAMETERS =
            Set.of("q", "like", "top", "page", "scope", "prefix", "min_duration");

    private void search(Context ctx) {
        allowOnly(ctx, SEARCH_PARAMETERS);
        String text = single(ctx, "q");
        String like = single(ctx, "like");
        if (text != null && like != null) {
            throw ApiError.badParameter("q", "give q (text) or like (an entry id), not both");
        }
        if (text == null && like == null) {
            throw ApiError.badParameter("q", "missing: give q=TEXT, or like=ENTRY_ID for more like an entry");
        }
        if (text != null && text.isBlank()) {
            throw ApiError.badParameter("q", "empty");
        }
        if (text != null && text.length() > SearchQuery.MAX_TEXT_CHARS) {
            throw ApiError.badParameter("q", text.length() + " characters; at most " + SearchQuery.MAX_TEXT_CHARS);
        }
        if (like != null && like.isBlank()) {
            throw ApiError.badParameter("like", "empty");
        }
        int top = intParameter(ctx, "top", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE);
        int page = intParameter(ctx, "page", 1, 1, Integer.MAX_VALUE);
        if ((long) page * top > SearchQuery.MAX_TOP) {
            throw ApiError.badParameter("page", "at most " + SearchQuery.MAX_TOP / top + " with top=" + top
                    + " (" + SearchQuery.MAX_TOP + " results in all)");
        }
        SearchQuery.Scope scope = scope(single(ctx, "scope"));
        String prefix = single(ctx, "prefix");
        if (prefix != null && prefix.length() > MAX_PREFIX_CHARS) {
            throw ApiError.badParameter("prefix", prefix.length() + " characters; at most " + MAX_PREFIX_CHARS);
        }
        if (prefix != null && prefix.isEmpty()) {
            prefix = null;
        }
        double minDuration = minDuration(single(ctx, "min_duration"));
        if (like != null && library.entry(like).isEmpty()) {
            throw new ApiError(404, "like: no entry '" + like + "' in the index");
        }
        int want = Math.min(SearchQuery.MAX_TOP, page * top + 1); // one more tells whether a next page exists
        SearchQuery query = new SearchQuery(text, like, want, scope, prefix, minDuration);
        long start = System.nanoTime();
        List<SearchHit> hits = pool.run(() -> library.search(query));
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        int from = Math.min(hits.size(), (page - 1) * top);
        int to = Math.min(hits.size(), page * top);
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            Map<String, Object> hit = entryJson(hits.get(i).entry());
            hit.put("rank", i + 1);
            hit.put("score", hits.get(i).score());
            hit.put("merged_moments", hits.get(i).mergedMoments());
            out.add(hit);
        }
        Map<String, Object> q = new LinkedHashMap<>();
        q.put("q", text);
        q.put("like", like);
        q.put("top", top);
        q.put("page", page);
        q.put("scope", scope.name().toLowerCase(Locale.ROOT));
        q.put("prefix", prefix);
        q.put("min_duration", minDuration);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("query", q);
        doc.put("hits", out);
        doc.put("has_more", hits.size() > page * top);
        doc.put("took_ms", tookMs);
        json(ctx, doc);
    }

    private void entry(Context ctx) {
        allowOnly(ctx, Set.of());
        String id = ctx.pathParam("id");
        IndexEntry e = library.entry(id).orElseThrow(() -> ApiError.notFound("no entry '" + id + "' in the index"));
        Map<String, Object> doc = entryJson(e);
        doc.put("size", e.size());
        doc.put("modified", e.modified());
        doc.put("hash", e.hash());
        json(ctx, doc);
    }

    private void thumbnail(Context ctx) {
        allowOnly(ctx, Set.of());
        String id = ctx.pathParam("id");
        byte[] jpeg = library.thumbnail(id)
                .orElseThrow(() -> ApiError.notFound("no thumbnail for '" + id + "' in the index"));
        CRC32 crc = new CRC32();
        crc.update(jpeg);
        String etag = "\"" + Long.toHexString(crc.getValue()) + "-" + Integer.toHexString(jpeg.length) + "\"";
        ctx.header("ETag", etag);
        ctx.header("Cache-Control", "private, max-age=3600");
        if (etagMatches(ctx.header("If-None-Match"), etag)) {
            ctx.status(304);
            return;
        }
        ctx.contentType("image/jpeg").result(jpeg);
    }

    private void video(Context ctx) throws IOException {
        allowOnly(ctx, Set.of());
        String videoId = ctx.pathParam("videoId");
        Path file = library.videoFile(videoId)
                .orElseThrow(() -> ApiError.notFound("no video '" + videoId + "' in the index"));
        if (!Files.isRegularFile(file)) { // before opening: a FIFO would block the open
            throw ApiError.notFound("the file of video '" + videoId + "' is gone");
        }
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw ApiError.notFound("the file of video '" + videoId + "' is gone");
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot read the file of video {0}: {1}", videoId, e.toString());
            throw ApiError.notFound("the file of video '" + videoId + "' cannot be read");
        }
        try (channel) {
            long length = channel.size();
            long modified = Files.getLastModifiedTime(file).toMillis();
            String etag = "\"" + Long.toHexString(length) + "-" + Long.toHexString(modified) + "\"";
            String lastModified = DateTimeFormatter.RFC_1123_DATE_TIME
                    .format(Instant.ofEpochMilli(modified).atZone(ZoneOffset.UTC));
            ctx.header("Accept-Ranges", "bytes");
            ctx.header("ETag", etag);
            ctx.header("Last-Modified", lastModified);
            ctx.header("Cache-Control", "private, no-cache");
            String ifRange = ctx.header("If-Range");
            String range = ifRange == null || ifRange.strip().equals(etag) || ifRange.strip().equals(lastModified)
                    ? ctx.header("Range") : null;
            if (range == null && etagMatches(ctx.header("If-None-Match"), etag)) {
                ctx.status(304);
                return;
            }
            ByteRange.Parsed parsed = ByteRange.parse(range, length);
            if (parsed instanceof ByteRange.Unsatisfiable) {
                ctx.header("Content-Range", "bytes */" + length);
                throw new ApiError(416, "Range: no byte of '" + RequestGuard.printable(range) + "' lies in the "
                        + length + " bytes of the file");
            }
            long first = 0;
            long count = length;
            if (parsed instanceof ByteRange.Part part) {
                ctx.status(206);
                ctx.header("Content-Range", part.range().contentRange());
                first = part.range().first();
                count = part.range().count();
            }
            ctx.contentType(videoType(file));
            ctx.res().setContentLengthLong(count);
            if (ctx.method() == HandlerType.HEAD) {
                return;
            }
            copy(channel, first, count, ctx.res().getOutputStream());
        }
    }

    /** Writes {@code count} bytes of {@code channel} from {@code first}; a client that goes away ends it quietly. */
    private static void copy(FileChannel channel, long first, long count, OutputStream out) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        long position = first;
        long left = count;
        try {
            while (left > 0) {
                buffer.clear().limit((int) Math.min(buffer.capacity(), left));
                int n = channel.read(buffer, position);
                if (n < 0) {
                    throw new IOException("the file became shorter while it was sent");
                }
                out.write(buffer.array(), 0, n);
                position += n;
                left -= n;
            }
            out.flush();
        } catch (IOException e) {
            // the browser stops reading when it seeks: nothing to answer any more
            LOG.log(System.Logger.Level.DEBUG, "a video transfer ended early: {0}", e.toString());
        }
    }

    /** The media type of a video file, by its extension. */
    static String videoType(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        String ext = name.substring(name.lastIndexOf('.') + 1);
        return switch (ext) {
            case "mp4", "m4v" -> "video/mp4";
            case "webm" -> "video/webm";
            case "mkv" -> "video/x-matroska";
            case "mov" -> "video/quicktime";
            case "avi" -> "video/x-msvideo";
            case "ogv" -> "video/ogg";
            case "mpg", "mpeg" -> "video/mpeg";
            case "ts" -> "video/mp2t";
            default -> "application/octet-stream";
        };
    }

    private static boolean etagMatches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (String t : ifNoneMatch.split(",")) {
            String s = t.strip();
            if (s.equals("*") || s.equals(etag) || s.equals("W/" + etag)) {
                return true;
            }
        }
        return false;
    }

    /** An entry as the API spells it, with the URLs of its thumbnail and its video. */
    private static Map<String, Object> entryJson(IndexEntry e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", e.id());
        m.put("video_id", e.videoId());
        m.put("file", fileName(e.path()));
        m.put("path", e.path());
        m.put("start", e.start());
        m.put("end", e.end());
        m.put("duration", e.duration());
        m.put("whole", e.whole());
        m.put("thumbnail", "/api/entries/" + encodeSegment(e.id()) + "/thumbnail");
        m.put("video", "/api/videos/" + encodeSegment(e.videoId()));
        return m;
    }

    /** The last part of an indexed path ({@code dir/a.mp4}, {@code x.tar!clips/a.mp4}: {@code a.mp4}). */
    static String fileName(String path) {
        int cut = Math.max(path.lastIndexOf('/'), Math.max(path.lastIndexOf('\\'), path.lastIndexOf('!')));
        return path.substring(cut + 1);
    }

    /** {@code s} as one path segment: every byte but the unreserved characters percent-encoded. */
    static String encodeSegment(String s) {
        StringBuilder b = new StringBuilder();
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
                    || c == '.' || c == '~') {
                b.append((char) c);
            } else {
                b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return b.toString();
    }

    private static String formEncode(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    // --- parameters ---

    /** Refuses parameters the endpoint does not know (a typo would otherwise be ignored silently). */
    private static void allowOnly(Context ctx, Set<String> names) {
        for (String name : ctx.queryParamMap().keySet()) {
            if (!names.contains(name) && !name.equals("token")) {
                throw ApiError.badParameter(RequestGuard.printable(name), "unknown parameter"
                        + (names.isEmpty() ? " (this endpoint takes none)" : "; known: " + String.join(", ",
                        names.stream().sorted().toList())));
            }
        }
    }

    /** A parameter given at most once, or null. */
    private static String single(Context ctx, String name) {
        List<String> values = ctx.queryParamMap().getOrDefault(name, List.of());
        if (values.size() > 1) {
            throw ApiError.badParameter(name, "given " + values.size() + " times; give it once");
        }
        return values.isEmpty() ? null : values.get(0);
    }

    private static int intParameter(Context ctx, String name, int absent, int min, int max) {
        String v = single(ctx, name);
        if (v == null) {
            return absent;
        }
        String range = max == Integer.MAX_VALUE ? min + " or more" : min + " to " + max;
        try {
            int n = Integer.parseInt(v.strip());
            if (n < min || n > max) {
                throw ApiError.badParameter(name, "must be " + range + ", not " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw ApiError.badParameter(name, "must be a whole number " + range + ", not '"
                    + RequestGuard.printable(v) + "'");
        }
    }

    private static SearchQuery.Scope scope(String v) {
        if (v == null) {
            return SearchQuery.Scope.ALL;
        }
        return switch (v.strip().toLowerCase(Locale.ROOT)) {
            case "all" -> SearchQuery.Scope.ALL;
            case "videos" -> SearchQuery.Scope.VIDEOS;
            case "moments" -> SearchQuery.Scope.MOMENTS;
            default -> throw ApiError.badParameter("scope", "must be all, videos or moments, not '"
                    + RequestGuard.printable(v) + "'");
        };
    }

    private static double minDuration(String v) {
        if (v == null || v.isBlank()) {
            return 0;
        }
        try {
            double d = Double.parseDouble(v.strip());
            if (!(d >= 0) || Double.isInfinite(d)) {
                throw ApiError.badParameter("min_duration", "must be 0 or more seconds, not " + v.strip());
            }
            return d;
        } catch (NumberFormatException e) {
            throw ApiError.badParameter("min_duration", "must be a number of seconds, not '"
                    + RequestGuard.printable(v) + "'");
        }
    }

    // --- answers ---

    private static void json(Context ctx, Object doc) {
        ctx.header("Cache-Control", "no-store");
        ctx.contentType("application/json").result(Json.bytes(doc));
    }

    private static void error(Context ctx, int status, String message) {
        ctx.status(status);
        ctx.header("Cache-Control", "no-store");
        if (status == 503) {
            ctx.header("Retry-After", "1");
        }
        ctx.contentType("application/json").result(Json.error(message));
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    }
}
