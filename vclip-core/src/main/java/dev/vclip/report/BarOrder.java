package dev.vclip.report;

/** The order of the bars of a bar chart. */
public enum BarOrder {
    /** As the caller listed the categories (class index order, say). */
    AS_GIVEN,
    /** Highest value first: the best classes lead. */
    DESCENDING,
    /** Lowest value first: the classes that need work lead. */
    ASCENDING
}
