package io.github.nmsparse.tribuo;

import org.junit.jupiter.api.Test;
import org.tribuo.Example;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * One model shared by 8 threads gives exactly the sequential predictions, one by one and in batches. (The two paths
 * sum in different orders, so each is compared with itself run sequentially.)
 */
class ConcurrentPredictionTest {

    private static final int THREADS = 8;
    private static final int PREDICTIONS = 10_000;

    private record Batch(int start, int size) {
    }

    private static List<Map<String, Double>> scores(List<Prediction<Label>> predictions) {
        List<Map<String, Double>> all = new ArrayList<>();
        for (Prediction<Label> p : predictions) {
            Map<String, Double> scores = new TreeMap<>();
            p.getOutputScores().forEach((k, v) -> scores.put(k, v.getScore()));
            all.add(scores);
        }
        return all;
    }

    @Test
    void eightThreadsPredictExactlyWhatOneThreadPredicts() throws Exception {
        NMSparseModel<Label> model = NMSparseTrainer.builder(new LabelAdapter()).hiddenSizes(32, 16).epochs(3).batchSize(64)
                .build().train(ShippedData.digits("train"));
        List<Example<Label>> examples = new ArrayList<>();
        ShippedData.digits("test").forEach(examples::add);
        List<Map<String, Double>> single = new ArrayList<>();
        for (Example<Label> example : examples) {
            single.addAll(scores(List.of(model.predict(example))));
        }
        // Blocks of 5 run on the N:M kernel, blocks of 37 on ND4J's GEMMs: 10,000 predictions in all.
        List<Batch> batches = new ArrayList<>();
        for (int done = 0, start = 0; done < PREDICTIONS; start = (start + 41) % (examples.size() - 40)) {
            Batch batch = new Batch(start, batches.size() % 2 == 0 ? 37 : 5);
            batches.add(batch);
            done += batch.size();
        }
        List<List<Map<String, Double>>> batched = new ArrayList<>();
        for (Batch b : batches) {
            batched.add(scores(model.predict(examples.subList(b.start(), b.start() + b.size()))));
        }

        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<Integer>> work = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                work.add(pool.submit(() -> {
                    int checked = 0;
                    for (int i = thread; i < PREDICTIONS; i += THREADS) {
                        int index = i % examples.size();
                        assertEquals(single.get(index), scores(List.of(model.predict(examples.get(index)))).get(0), "example " + index);
                        checked++;
                    }
                    return checked;
                }));
                work.add(pool.submit(() -> {
                    int checked = 0;
                    for (int j = thread; j < batches.size(); j += THREADS) {
                        Batch b = batches.get(j);
                        assertEquals(batched.get(j), scores(model.predict(examples.subList(b.start(), b.start() + b.size()))),
                                "batch at " + b.start());
                        checked += b.size();
                    }
                    return checked;
                }));
            }
            int checked = 0;
            for (Future<Integer> f : work) {
                checked += f.get();
            }
            assertEquals(PREDICTIONS + batches.stream().mapToInt(Batch::size).sum(), checked);
        } finally {
            pool.shutdownNow();
        }
    }
}
