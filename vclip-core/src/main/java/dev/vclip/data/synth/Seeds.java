package dev.vclip.data.synth;

import java.util.Random;

/**
 * Independent random streams derived from the master seed. Each video gets its own stream, keyed by what it is
 * (a short clip of class c number n, a long video number v, the captions of a clip...), so that its content does not
 * depend on the order in which videos are generated, on the number of threads, or on how many other videos there
 * are: adding clips per class leaves the existing clips unchanged.
 *
 * <p>Streams are {@link Random} instances, whose sequence Java specifies exactly, seeded by a SplitMix64 hash of
 * the master seed and the key.
 */
final class Seeds {
    private Seeds() {
    }

    /** Stream kinds; the ordinal goes into the hash, so only append. */
    enum Stream {
        CLIP, CLIP_CAPTIONS, LONG_VIDEO, LONG_CAPTIONS, BASE_FEW_SHOT, CLIP_TEXTS
    }

    static Random random(long seed, Stream stream, long a, long b) {
        return new Random(derive(seed, stream, a, b));
    }

    /** A 64-bit seed for the key, for APIs that take a seed rather than a generator. */
    static long derive(long seed, Stream stream, long a, long b) {
        long h = mix(seed);
        h = mix(h ^ (stream.ordinal() + 1L) * 0x9E3779B97F4A7C15L);
        h = mix(h ^ a);
        return mix(h ^ b * 0xC2B2AE3D27D4EB4FL);
    }

    /** SplitMix64's finaliser: a bijective mix of 64 bits. */
    static long mix(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
