package dev.vclip.video;

/**
 * What is known about a video before decoding its frames.
 *
 * @param source          where it was read from (a file, {@code archive.tar#member.mp4}, a frame folder)
 * @param frameCount      number of frames (exact: counted or taken from the container and checked)
 * @param fps             frames per second (frame folders: the rate given when opened, 30 by default)
 * @param durationSeconds frameCount / fps
 * @param width           width of the decoded frames, after rotation
 * @param height          height of the decoded frames, after rotation
 * @param rotationDegrees display rotation from the container (0, 90, 180, 270), already applied to the frames
 * @param codec           codec name ("h264", "mpeg4", ...), or "frames" for a frame folder
 * @param damage          null for a whole file; for a damaged one (cut short, corrupt packets) what is wrong, the
 *                        frames counted being those that decode
 */
public record VideoInfo(String source, int frameCount, double fps, double durationSeconds, int width, int height,
                        int rotationDegrees, String codec, String damage) {

    /** The information of a whole (undamaged) video. */
    public VideoInfo(String source, int frameCount, double fps, double durationSeconds, int width, int height,
                     int rotationDegrees, String codec) {
        this(source, frameCount, fps, durationSeconds, width, height, rotationDegrees, codec, null);
    }
}
