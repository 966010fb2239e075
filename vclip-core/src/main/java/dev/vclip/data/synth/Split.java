package dev.vclip.data.synth;

/** Which part of the dataset a short clip belongs to. */
public enum Split {
    TRAIN("train"), VAL("val");

    private final String word;

    Split(String word) {
        this.word = word;
    }

    /** "train", "val": the name used in file names and dataset.json. */
    public String word() {
        return word;
    }
}
