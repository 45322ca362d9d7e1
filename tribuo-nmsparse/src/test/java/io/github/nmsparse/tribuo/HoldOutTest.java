package io.github.nmsparse.tribuo;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The validation hold-out: stratified, seeded, disjoint from the training rows, and sized as asked. */
class HoldOutTest {

    /** 300 rows of three classes of 150, 100 and 50, interleaved. */
    private static int[] strata() {
        return IntStream.range(0, 300).map(r -> r % 6 < 3 ? 0 : r % 6 < 5 ? 1 : 2).toArray();
    }

    @Test
    void eachClassGivesItsShareAndTheRowsSplitInTwo() {
        int[] strata = strata();
        HoldOut split = HoldOut.split(strata, 0.2, 5);
        int[] validation = split.validation();
        int[] training = split.training();
        assertEquals(60, validation.length);
        assertEquals(300, validation.length + training.length);
        int[] all = IntStream.concat(Arrays.stream(validation), Arrays.stream(training)).sorted().toArray();
        assertArrayEquals(IntStream.range(0, 300).toArray(), all, "every row once, in one part only");
        int[] perClass = new int[3];
        for (int row : validation) {
            perClass[strata[row]]++;
        }
        assertArrayEquals(new int[] {30, 20, 10}, perClass, "the training data's class proportions");
    }

    @Test
    void theSeedDecidesTheRows() {
        assertArrayEquals(HoldOut.split(strata(), 0.2, 5).validation(), HoldOut.split(strata(), 0.2, 5).validation());
        assertFalse(Arrays.equals(HoldOut.split(strata(), 0.2, 5).validation(), HoldOut.split(strata(), 0.2, 6).validation()));
    }

    @Test
    void roundingSpreadsTheRemainderAndKeepsOneRowOfEachClassForTraining() {
        // 7 rows of class 0, 2 of class 1, 1 of class 2; 30% is 3 rows, none of them class 2's only row.
        int[] strata = {0, 0, 0, 0, 0, 0, 0, 1, 1, 2};
        HoldOut split = HoldOut.split(strata, 0.3, 1);
        assertEquals(3, split.validation().length);
        assertTrue(Arrays.stream(split.training()).anyMatch(r -> strata[r] == 2), "the class of one example stays in training");
        assertTrue(Arrays.stream(split.training()).anyMatch(r -> strata[r] == 1));
        assertEquals(1, HoldOut.split(new int[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 0.01, 1).validation().length, "at least one row");
    }

    @Test
    void strataOfOneRowGiveNoneAndTheOthersMakeUpTheTotalWhereTheyCan() {
        // Five classes of one row and one of ten, 50%: 8 rows, all from the class of ten (which keeps one).
        int[] strata = {0, 1, 2, 3, 4, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5};
        int[] validation = HoldOut.split(strata, 0.5, 3).validation();
        assertEquals(8, validation.length);
        assertTrue(Arrays.stream(validation).allMatch(r -> strata[r] == 5));
        // Four classes of one row and one of two: 3 asked, only 1 can be given.
        assertEquals(1, HoldOut.split(new int[] {0, 1, 2, 3, 4, 4}, 0.5, 3).validation().length);
    }

    @Test
    void aHoldOutThatLeavesNothingToTrainOnIsRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HoldOut.split(new int[] {0, 1}, 0.9, 1));
        assertTrue(e.getMessage().contains("leaves none to train on"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> HoldOut.split(new int[] {0, 1, 2}, 0.3, 1));
        assertTrue(e.getMessage().contains("class's only example"), e.getMessage());
    }

    @Test
    void smallDataIsSizedInStepsAndAGivenEpochCountIsKept() {
        assertEquals(30, TrainingLength.epochs(0, 1500, 8000, 128), "mnist-10k: 63 steps an epoch, 30 epochs as before");
        assertEquals(125, TrainingLength.epochs(0, 1500, 1437, 128), "digits: 12 steps an epoch");
        assertEquals(375, TrainingLength.epochs(0, 1500, 455, 128), "breast-cancer: 4 steps an epoch");
        assertEquals(1500, TrainingLength.epochs(0, 1500, 20, 20), "one step an epoch");
        assertEquals(5, TrainingLength.epochs(5, 1500, 455, 128), "an epoch count set is kept");
    }
}
