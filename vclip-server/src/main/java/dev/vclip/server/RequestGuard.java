package dev.vclip.server;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.Set;

/**
 * The first handler every request meets, before any routing or decoding: it adds the security headers to every
 * response, answers 404 (and logs it) to any path that is not plain — dot segments, encoded dots, slashes,
 * backslashes or percent signs, empty segments, control characters, path parameters — and, when the server listens
 * on loopback only, refuses requests whose {@code Host} is not a loopback name (a web page cannot then reach the
 * server through DNS rebinding).
 */
final class RequestGuard extends Handler.Wrapper {
    private static final System.Logger LOG = System.getLogger(RequestGuard.class.getName());

    /** Sent with every response; the page needs nothing from anywhere but this server. */
    static final HttpFields SECURITY_HEADERS = HttpFields.build()
            .put("X-Content-Type-Options", "nosniff")
            .put("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; "
                    + "img-src 'self'; media-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; "
                    + "frame-ancestors 'none'")
            .put("Referrer-Policy", "no-referrer")
            .put("X-Frame-Options", "DENY")
            .put("Cross-Origin-Resource-Policy", "same-origin")
            .put("Cross-Origin-Opener-Policy", "same-origin")
            .asImmutable();

    private static final Set<String> LOOPBACK_NAMES = Set.of("localhost", "127.0.0.1", "[::1]", "::1");

    /** Null: any Host (the server listens beyond loopback and a token guards it). */
    private final Set<String> allowedHosts;

    RequestGuard(Set<String> allowedHosts) {
        this.allowedHosts = allowedHosts;
    }

    /** The host names a loopback-only server answers to: the loopback names and the name it was started with. */
    static Set<String> loopbackHosts(String boundHost) {
        java.util.HashSet<String> hosts = new java.util.HashSet<>(LOOPBACK_NAMES);
        String h = boundHost.toLowerCase(Locale.ROOT);
        hosts.add(h.contains(":") && !h.startsWith("[") ? "[" + h + "]" : h);
        return Set.copyOf(hosts);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        response.getHeaders().add(SECURITY_HEADERS);
        HttpURI uri = request.getHttpURI();
        String refusal = refusal(uri.getPath());
        if (refusal == null && uri.hasViolations()) {
            refusal = "URI violations " + uri.getViolations();
        }
        if (refusal != null) {
            LOG.log(System.Logger.Level.WARNING, "refused {0} {1} from {2}: {3}", request.getMethod(),
                    printable(uri.getPath()), Request.getRemoteAddr(request), refusal);
            writeJson(response, callback, 404, "not found");
            return true;
        }
        if (allowedHosts != null) {
            String host = hostName(request.getHeaders().get(HttpHeader.HOST));
            if (host == null || !allowedHosts.contains(host)) {
                LOG.log(System.Logger.Level.WARNING, "refused {0} {1} from {2}: Host {3} is not a loopback name",
                        request.getMethod(), printable(uri.getPath()), Request.getRemoteAddr(request),
                        printable(String.valueOf(request.getHeaders().get(HttpHeader.HOST))));
                writeJson(response, callback, 403, "this server answers to localhost and 127.0.0.1 only");
                return true;
            }
        }
        return super.handle(request, response, callback);
    }

    /** The host part of a Host header, lower case ({@code [::1]} keeps its brackets), or null. */
    static String hostName(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String h = header.strip().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end < 0 ? null : h.substring(0, end + 1);
        }
        int colon = h.indexOf(':');
        return colon < 0 ? h : h.substring(0, colon);
    }

    /**
     * Why the raw (still percent-encoded) request path is refused, or null when it is a plain path: only the
     * server's own routes and ids encoded as the page encodes them get through.
     */
    static String refusal(String rawPath) {
        if (rawPath == null || !rawPath.startsWith("/")) {
            return "not an absolute path";
        }
        for (int i = 0; i < rawPath.length(); i++) {
            char c = rawPath.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '\\' || c == ';') {
                return "character " + (int) c + " in the path";
            }
            if (c == '%') {
                if (i + 2 >= rawPath.length() || Character.digit(rawPath.charAt(i + 1), 16) < 0
                        || Character.digit(rawPath.charAt(i + 2), 16) < 0) {
                    return "a broken percent escape";
                }
                int b = Character.digit(rawPath.charAt(i + 1), 16) * 16 + Character.digit(rawPath.charAt(i + 2), 16);
                if (b < 0x20 || b == 0x7f || b == '/' || b == '\\' || b == '%' || b == '.' || b == ';') {
                    return "an encoded '" + (b < 0x20 || b == 0x7f ? "\\x" + Integer.toHexString(b) : (char) b)
                            + "'";
                }
                i += 2;
            }
        }
        String[] segments = rawPath.substring(1).split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            String s = segments[i];
            if (s.equals(".") || s.equals("..")) {
                return "a dot segment";
            }
            if (s.isEmpty() && i < segments.length - 1) {
                return "an empty segment";
            }
        }
        return null;
    }

    /** {@code s} with anything but printable ASCII escaped, at most 200 characters: safe in a log line. */
    static String printable(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 200; i++) {
            char c = s.charAt(i);
            b.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c));
        }
        return s.length() > 200 ? b + "..." : b.toString();
    }

    /** Answers {@code {"error": message}} with {@code status}. */
    static void writeJson(Response response, Callback callback, int status, String message) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.write(true, ByteBuffer.wrap(Json.error(message)), callback);
    }

    /** Jetty's own errors (a request line over the limit, a malformed request) as JSON, never a stack trace. */
    static final class JsonErrors extends ErrorHandler {
        /** The path of the stand-in request Jetty hands its error handler for a request it could not parse. */
        private static final String BAD_MESSAGE = "/badMessage";

        @Override
        protected void generateResponse(Request request, Response response, int code, String message,
                                        Throwable cause, Callback callback) {
            response.getHeaders().add(SECURITY_HEADERS);
            if (BAD_MESSAGE.equals(request.getHttpURI().getPath())) {
                // Jetty could not parse the request (its target climbs above the root, holds a NUL, or the line or
                // a header is malformed): no handler saw it, so say so here
                LOG.log(System.Logger.Level.WARNING, "refused a request that cannot be parsed from {0}: {1}",
                        Request.getRemoteAddr(request), reason(code, message));
            }
            writeJson(response, callback, code, reason(code, message));
        }

        @Override
        public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
            fields.put(HttpHeader.CONTENT_TYPE, "application/json");
            fields.put(new HttpField("X-Content-Type-Options", "nosniff"));
            return ByteBuffer.wrap(Json.error(reason(status, reason)));
        }

        @Override
        public boolean isShowStacks() {
            return false;
        }

        private static String reason(int code, String message) {
            // Jetty's own message may name an exception: say only what the status means
            return switch (code) {
                case 413 -> "the request is too large";
                case 414 -> "the request URI is too long";
                case 431 -> "the request headers are too large";
                case 404 -> "not found";
                case 500 -> "internal error";
                default -> HttpStatus.getMessage(code).toLowerCase(Locale.ROOT);
            };
        }
    }
}
