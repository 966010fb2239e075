package dev.vclip.server;

/** A request the server answers with {@code status} and {@code {"error": message}}; the message is for a person. */
final class ApiError extends RuntimeException {
    private final int status;

    ApiError(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    int status() {
        return status;
    }

    static ApiError badParameter(String name, String problem) {
        return new ApiError(400, name + ": " + problem);
    }

    static ApiError notFound(String message) {
        return new ApiError(404, message);
    }
}
