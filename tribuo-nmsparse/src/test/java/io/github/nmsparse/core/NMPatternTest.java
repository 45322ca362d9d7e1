package io.github.nmsparse.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NMPatternTest {

    @Test
    void parsesEveryValidPatternUpToM32() {
        for (int m = 2; m <= 32; m++) {
            for (int n = 1; n < m; n++) {
                NMPattern pattern = NMPattern.parse(" " + n + ":" + m + " ");
                assertEquals(n, pattern.n());
                assertEquals(m, pattern.m());
                assertEquals(n + ":" + m, pattern.toString());
            }
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "4:2|N must be less than M",
            "4:4|N = M is dense",
            "0:4|N must be at least 1, got 0",
            "2:0|M must be between 2 and 32, got 0",
            "-2:4|N must be at least 1, got -2",
            "2:-4|got -4",
            "1:33|M must be between 2 and 32, got 33",
            "a:b|N must be an integer, got 'a'",
            "2:b|M must be an integer, got 'b'",
            "2:4:8|not of the form N:M",
            "24|not of the form N:M",
            "''|not of the form N:M"})
    void rejectsBadPatternsNamingTheValue(String text, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NMPattern.parse(text));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void indexBitsAreCeilLog2M() {
        assertEquals(1, new NMPattern(1, 2).indexBits());
        assertEquals(2, new NMPattern(2, 4).indexBits());
        assertEquals(3, new NMPattern(1, 5).indexBits());
        assertEquals(3, new NMPattern(4, 8).indexBits());
        assertEquals(4, new NMPattern(1, 16).indexBits());
        assertEquals(5, new NMPattern(1, 17).indexBits());
        assertEquals(5, new NMPattern(16, 32).indexBits());
    }

    @Test
    void layoutHandlesTrailingPartialGroups() {
        NMLayout layout = new NMLayout(3, 10, new NMPattern(2, 4));
        assertEquals(3, layout.groupsPerRow());
        assertEquals(9, layout.groupCount());
        assertEquals(4, layout.width(1));
        assertEquals(2, layout.width(2));
        assertEquals(2, layout.keep(2));
        NMLayout narrow = new NMLayout(2, 5, new NMPattern(3, 4));
        assertEquals(1, narrow.width(1));
        assertEquals(1, narrow.keep(1));
        assertEquals(2 * (3 + 1), narrow.maxKept());
    }
}
