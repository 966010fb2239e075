package dev.vclip.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class BaseToNovelTest {

    @Test
    void harmonicMean() {
        assertEquals(67.89876363636365, BaseToNovel.harmonicMean(76.4, 61.1));
        assertEquals(BaseToNovel.harmonicMean(61.1, 76.4), BaseToNovel.harmonicMean(76.4, 61.1));
        assertEquals(0.0, BaseToNovel.harmonicMean(80, 0));
        assertEquals(0.0, BaseToNovel.harmonicMean(0, 0), "our convention for 0/0");
        assertThrows(IllegalArgumentException.class, () -> BaseToNovel.harmonicMean(-1, 1));
        assertThrows(IllegalArgumentException.class, () -> BaseToNovel.harmonicMean(Double.NaN, 1));
    }
}
