package io.github.nmsparse.tribuo;

import io.github.nmsparse.engine.method.SrSte;
import io.github.nmsparse.engine.optimizer.AdamW;
import org.junit.jupiter.api.Test;
import org.tribuo.Dataset;
import org.tribuo.Example;
import org.tribuo.regression.Regressor;
import org.tribuo.regression.evaluation.RegressionEvaluation;
import org.tribuo.regression.evaluation.RegressionEvaluator;

import static org.junit.jupiter.api.Assertions.assertTrue;

class RegressionTrainerTest {

    @Test
    void srSteRegressionOnDiabetesBeatsPredictingTheMean() {
        Dataset<Regressor> train = ShippedData.diabetes("train");
        Dataset<Regressor> test = ShippedData.diabetes("test");
        NMSparseModel<Regressor> model = NMSparseTrainer.builder(new RegressorAdapter()).method(new SrSte())
                .pattern("2:4").featureScaling(FeatureScaling.STANDARDIZE).hiddenSizes(64, 32).batchSize(32).epochs(60)
                .learningRate(1e-3).optimizer(new AdamW(1e-2)).build().train(train);
        RegressionEvaluation evaluation = new RegressionEvaluator().evaluate(model, test);
        Regressor dimension = test.getOutputInfo().getDomain().iterator().next();
        double rmse = evaluation.rmse(dimension);

        double mean = 0;
        for (Example<Regressor> example : train) {
            mean += example.getOutput().getValues()[0];
        }
        mean /= train.size();
        double squared = 0;
        for (Example<Regressor> example : test) {
            double diff = example.getOutput().getValues()[0] - mean;
            squared += diff * diff;
        }
        double meanRmse = Math.sqrt(squared / test.size());
        assertTrue(rmse < 0.9 * meanRmse, "RMSE " + rmse + " against " + meanRmse + " for the training mean");
        assertTrue(evaluation.r2(dimension) > 0.2, "R2 " + evaluation.r2(dimension));
        assertTrue(model.snapshot().layers().get(0).validity().isValid());
    }
}
