package dev.kleiber.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Draws the Grafana dashboard's panels from what Prometheus answers to their queries over a time range: one small
 * line chart (or, for a single value, a figure) per panel, in the dashboard's order. An honest picture of the
 * panels without Grafana: every line is a series Prometheus returned.
 */
final class DashboardPicture {
    private static final int COLUMNS = 4;
    private static final int CELL_W = 400;
    private static final int CELL_H = 210;
    private static final Color[] PALETTE = {new Color(0x2f7ed8), new Color(0xe4572e), new Color(0x17a398),
            new Color(0xf3a712), new Color(0x8e44ad), new Color(0x5d6d7e), new Color(0xc0392b), new Color(0x27ae60)};

    private record Series(String label, List<double[]> points) {
    }

    private DashboardPicture() {
    }

    static void draw(TestPrometheus prometheus, Path dashboard, long start, long end, Path png)
            throws IOException, InterruptedException {
        JsonNode panels = new ObjectMapper().readTree(dashboard.toFile()).path("panels");
        List<JsonNode> shown = new ArrayList<>();
        panels.forEach(p -> {
            if (!p.path("type").asText().equals("row")) {
                shown.add(p);
            }
        });
        int rows = (shown.size() + COLUMNS - 1) / COLUMNS;
        BufferedImage image = new BufferedImage(COLUMNS * CELL_W, rows * CELL_H + 40, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(new Color(0xf4f5f7));
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        g.setColor(Color.DARK_GRAY);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
        g.drawString("Kleiber (deploy/grafana/kleiber.json): each panel's queries run against the test Prometheus, "
                + (end - start) + " s of one run", 12, 26);
        for (int i = 0; i < shown.size(); i++) {
            JsonNode panel = shown.get(i);
            List<Series> series = new ArrayList<>();
            for (JsonNode target : panel.path("targets")) {
                JsonNode result = prometheus.queryRange(target.path("expr").asText(), start, end, 1).data().path("result");
                for (JsonNode s : result) {
                    List<double[]> points = new ArrayList<>();
                    s.path("values").forEach(v -> points.add(new double[] {v.path(0).asDouble(), v.path(1).asDouble()}));
                    series.add(new Series(legend(target.path("legendFormat").asText(), s.path("metric")), points));
                }
            }
            cell(g, (i % COLUMNS) * CELL_W, 40 + (i / COLUMNS) * CELL_H, panel.path("title").asText(), series, start, end);
        }
        g.dispose();
        ImageIO.write(image, "png", png.toFile());
    }

    private static String legend(String format, JsonNode metric) {
        String out = format;
        var names = metric.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            out = out.replace("{{" + name + "}}", metric.path(name).asText());
        }
        return out.replaceAll("\\{\\{[^}]*}}", "").strip();
    }

    private static void cell(Graphics2D g, int x, int y, String title, List<Series> series, long start, long end) {
        int w = CELL_W - 12;
        int h = CELL_H - 12;
        g.setColor(Color.WHITE);
        g.fillRoundRect(x + 6, y + 6, w, h, 8, 8);
        g.setColor(new Color(0xd0d4da));
        g.drawRoundRect(x + 6, y + 6, w, h, 8, 8);
        g.setColor(Color.DARK_GRAY);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        g.drawString(title, x + 14, y + 24);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        if (series.isEmpty()) {
            g.setColor(Color.GRAY);
            g.drawString("no data (nothing of this kind happened in the run)", x + 14, y + h / 2 + 10);
            return;
        }
        double min = Double.MAX_VALUE;
        double max = -Double.MAX_VALUE;
        for (Series s : series) {
            for (double[] p : s.points()) {
                if (Double.isFinite(p[1])) {
                    min = Math.min(min, p[1]);
                    max = Math.max(max, p[1]);
                }
            }
        }
        if (min == Double.MAX_VALUE) {
            min = 0;
            max = 1;
        }
        min = Math.min(min, 0);
        if (max <= min) {
            max = min + 1;
        }
        int left = x + 62;
        int top = y + 34;
        int right = x + w - 6;
        int bottom = y + h - 18 - 13 * Math.min(series.size(), 4);
        g.setColor(new Color(0xeeeeee));
        for (int k = 0; k <= 4; k++) {
            int yy = bottom - (bottom - top) * k / 4;
            g.drawLine(left, yy, right, yy);
        }
        g.setColor(Color.GRAY);
        g.drawString(number(max), x + 12, top + 4);
        g.drawString(number(min), x + 12, bottom + 4);
        g.setStroke(new BasicStroke(2f));
        for (int k = 0; k < series.size(); k++) {
            Series s = series.get(k);
            g.setColor(PALETTE[k % PALETTE.length]);
            int px = -1;
            int py = -1;
            for (double[] p : s.points()) {
                if (!Double.isFinite(p[1])) {
                    px = -1;
                    continue;
                }
                int xx = left + (int) ((right - left) * (p[0] - start) / Math.max(1, end - start));
                int yy = bottom - (int) ((bottom - top) * (p[1] - min) / (max - min));
                if (px >= 0) {
                    g.drawLine(px, py, xx, yy);
                } else {
                    g.fillOval(xx - 2, yy - 2, 4, 4);
                }
                px = xx;
                py = yy;
            }
            if (k < 4) {
                double last = s.points().isEmpty() ? Double.NaN : s.points().get(s.points().size() - 1)[1];
                g.drawString((s.label().isEmpty() ? "value" : s.label()) + ": " + number(last), left,
                        bottom + 16 + 13 * k);
            }
        }
        g.setStroke(new BasicStroke(1f));
        if (series.size() > 4) {
            g.setColor(Color.GRAY);
            g.drawString("+" + (series.size() - 4) + " more series", right - 90, bottom + 16);
        }
    }

    private static String number(double v) {
        if (!Double.isFinite(v)) {
            return "NaN";
        }
        if (Math.abs(v) >= 1e6 || (Math.abs(v) < 0.01 && v != 0)) {
            return String.format(Locale.ROOT, "%.3g", v);
        }
        return String.format(Locale.ROOT, "%.3f", v).replaceAll("\\.?0+$", "");
    }
}
