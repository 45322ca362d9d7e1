package io.github.nmsparse.report;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.LookupPaintScale;
import org.jfree.chart.renderer.category.StatisticalLineAndShapeRenderer;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.statistics.DefaultStatisticalCategoryDataset;
import org.jfree.data.xy.DefaultXYZDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/** The report's charts, built with JFreeChart and rendered to PNG. */
final class Charts {

    /** Colours that stay apart on white (Tableau 10). */
    private static final List<Color> PALETTE = List.of(new Color(0x1F77B4), new Color(0xD62728), new Color(0x2CA02C),
            new Color(0xFF7F0E), new Color(0x9467BD), new Color(0x8C564B), new Color(0x17BECF), new Color(0x7F7F7F),
            new Color(0xBCBD22), new Color(0xE377C2));

    static final int WIDTH = 720;
    static final int HEIGHT = 400;

    private Charts() {
    }

    /**
     * A line per series against the epoch.
     *
     * @param series values per epoch (epoch 1 first), by series name
     */
    static JFreeChart perEpoch(String title, String yLabel, Map<String, double[]> series) {
        return perEpoch(title, yLabel, series, false);
    }

    /**
     * A line per series against the epoch, optionally on a logarithmic axis (for quantities that fall by orders
     * of magnitude, such as SAD; zeros cannot be drawn there and are left out).
     */
    static JFreeChart perEpoch(String title, String yLabel, Map<String, double[]> series, boolean logScale) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (Map.Entry<String, double[]> s : series.entrySet()) {
            XYSeries line = new XYSeries(s.getKey());
            for (int e = 0; e < s.getValue().length; e++) {
                double value = s.getValue()[e];
                if (Double.isFinite(value) && (!logScale || value > 0)) {
                    line.add(e + 1, value);
                }
            }
            data.addSeries(line);
        }
        JFreeChart chart = ChartFactory.createXYLineChart(title, "epoch", yLabel, data, PlotOrientation.VERTICAL,
                series.size() > 1, false, false);
        XYPlot plot = chart.getXYPlot();
        if (logScale) {
            LogAxis axis = new LogAxis(yLabel);
            axis.setNumberFormatOverride(new java.text.DecimalFormat("0.####"));
            plot.setRangeAxis(axis);
        }
        ((NumberAxis) plot.getDomainAxis()).setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        for (int i = 0; i < series.size(); i++) {
            plot.getRenderer().setSeriesStroke(i, new BasicStroke(2f));
            plot.getRenderer().setSeriesPaint(i, PALETTE.get(i % PALETTE.size()));
        }
        return style(chart);
    }

    /**
     * Means with error bars (one standard deviation) per category, one line per series, and an optional
     * horizontal reference line.
     *
     * @param categories the x-axis categories, in order
     * @param means      per series, the mean per category (NaN where the series has no value)
     * @param stds       per series, the standard deviation per category
     * @param reference  the value of the reference line, or NaN for none
     * @param referenceLabel the reference line's label
     */
    static JFreeChart withErrorBars(String title, String xLabel, String yLabel, List<String> categories,
                                    Map<String, double[]> means, Map<String, double[]> stds, double reference,
                                    String referenceLabel) {
        DefaultStatisticalCategoryDataset data = new DefaultStatisticalCategoryDataset();
        for (Map.Entry<String, double[]> s : means.entrySet()) {
            for (int c = 0; c < categories.size(); c++) {
                double mean = s.getValue()[c];
                if (Double.isFinite(mean)) {
                    data.add(mean, stds.get(s.getKey())[c], s.getKey(), categories.get(c));
                }
            }
        }
        JFreeChart chart = ChartFactory.createLineChart(title, xLabel, yLabel, data, PlotOrientation.VERTICAL, true, false, false);
        CategoryPlot plot = chart.getCategoryPlot();
        StatisticalLineAndShapeRenderer renderer = new StatisticalLineAndShapeRenderer(true, true);
        renderer.setErrorIndicatorPaint(Color.DARK_GRAY);
        for (int i = 0; i < means.size(); i++) {
            renderer.setSeriesStroke(i, new BasicStroke(2f));
            renderer.setSeriesPaint(i, PALETTE.get(i % PALETTE.size()));
        }
        plot.setRenderer(renderer);
        CategoryAxis categoryAxis = plot.getDomainAxis();
        categoryAxis.setMaximumCategoryLabelLines(2);
        NumberAxis axis = (NumberAxis) plot.getRangeAxis();
        axis.setAutoRangeIncludesZero(false);
        if (Double.isFinite(reference)) {
            ValueMarker marker = new ValueMarker(reference, Color.BLACK, new BasicStroke(1.5f, BasicStroke.CAP_BUTT,
                    BasicStroke.JOIN_MITER, 1f, new float[] {6f, 4f}, 0f));
            marker.setLabel(referenceLabel);
            marker.setLabelAnchor(RectangleAnchor.BOTTOM_RIGHT);
            marker.setLabelTextAnchor(TextAnchor.TOP_RIGHT);
            plot.addRangeMarker(marker);
        }
        return style(chart);
    }

    /**
     * A picture of a mask: one cell per weight, dark where the weight is kept.
     *
     * @param kept {@code kept[row][column]}
     */
    static JFreeChart mask(String title, boolean[][] kept) {
        int rows = kept.length;
        int cols = rows == 0 ? 0 : kept[0].length;
        double[][] xyz = new double[3][rows * cols];
        int i = 0;
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++, i++) {
                xyz[0][i] = c;
                xyz[1][i] = r;
                xyz[2][i] = kept[r][c] ? 1 : 0;
            }
        }
        DefaultXYZDataset data = new DefaultXYZDataset();
        data.addSeries("mask", xyz);
        XYBlockRenderer renderer = new XYBlockRenderer();
        LookupPaintScale scale = new LookupPaintScale(0, 1.01, Color.WHITE);
        scale.add(0, new Color(0xF2, 0xF2, 0xF2));
        scale.add(0.5, new Color(0x1F, 0x4E, 0x79));
        renderer.setPaintScale(scale);
        NumberAxis x = new NumberAxis("input (groups run along this axis)");
        x.setRange(-0.5, cols - 0.5);
        NumberAxis y = new NumberAxis("output unit");
        y.setRange(-0.5, rows - 0.5);
        y.setInverted(true);
        XYPlot plot = new XYPlot(data, x, y, renderer);
        plot.setDomainGridlinesVisible(false);
        plot.setRangeGridlinesVisible(false);
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, false);
        return style(chart);
    }

    private static JFreeChart style(JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
        chart.getPlot().setBackgroundPaint(Color.WHITE);
        if (chart.getPlot() instanceof XYPlot xy) {
            xy.setDomainGridlinePaint(Color.LIGHT_GRAY);
            xy.setRangeGridlinePaint(Color.LIGHT_GRAY);
        } else if (chart.getPlot() instanceof CategoryPlot category) {
            category.setRangeGridlinePaint(Color.LIGHT_GRAY);
        }
        return chart;
    }

    /** @return the chart as PNG bytes */
    static byte[] png(JFreeChart chart, int width, int height) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ChartUtils.writeChartAsPNG(out, chart, width, height);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
