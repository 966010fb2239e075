package dev.vclip.data.synth;

import org.bytedeco.ffmpeg.global.avcodec;

/**
 * The codecs synthetic videos are encoded with. H.264 is what the original datasets use and what every player
 * reads; in the LGPL FFmpeg build vclip ships it is encoded by libopenh264. MPEG-4 Part 2 (FFmpeg's own encoder)
 * is the fallback when libopenh264 cannot be opened.
 */
public enum VideoCodec {
    H264("h264", "libopenh264", avcodec.AV_CODEC_ID_H264),
    MPEG4("mpeg4", "mpeg4", avcodec.AV_CODEC_ID_MPEG4);

    private final String codecName;
    private final String encoderName;
    private final int codecId;

    VideoCodec(String codecName, String encoderName, int codecId) {
        this.codecName = codecName;
        this.encoderName = encoderName;
        this.codecId = codecId;
    }

    /** The codec as FFmpeg names it when decoding ("h264"). */
    public String codecName() {
        return codecName;
    }

    /** The FFmpeg encoder that writes it ("libopenh264"). */
    public String encoderName() {
        return encoderName;
    }

    int codecId() {
        return codecId;
    }

    /** Which codec to use: a fixed one, or H.264 with MPEG-4 as fallback. */
    public enum Choice {
        AUTO, H264, MPEG4;

        public static Choice parse(String s) {
            return switch (s.trim().toLowerCase(java.util.Locale.ROOT)) {
                case "auto" -> AUTO;
                case "h264", "h.264", "avc" -> H264;
                case "mpeg4", "mpeg-4" -> MPEG4;
                default -> throw new IllegalArgumentException("unknown codec '" + s + "'; use auto, h264 or mpeg4");
            };
        }
    }
}
