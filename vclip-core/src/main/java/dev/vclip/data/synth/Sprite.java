package dev.vclip.data.synth;

/** One shape in a scene: what it is, its colour, and how it moves. */
public record Sprite(ShapeKind shape, Palette colour, Motion motion) {

    /** "red circle": the words captions use for it. */
    public String words() {
        return colour.word() + " " + shape.word();
    }
}
