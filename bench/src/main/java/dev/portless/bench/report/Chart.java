package dev.portless.bench.report;

import java.util.Locale;
import java.util.Optional;

/**
 * The gnuplot data and script of the bench chart: for every figure that ssh -L also
 * measures, each route's speed relative to ssh -L (higher is better, whatever the figure's unit:
 * for latency, time and memory the ratio is inverted), with the spread of the runs as error bars,
 * on a log scale so that direct TCP's throughput and Portless's memory fit one picture.
 */
final class Chart {
    private Chart() {}

    /** Returns chart.dat: label, then median, low, high for direct, ssh -L and Portless. */
    static String data(Results results) {
        StringBuilder d = new StringBuilder("# figure");
        for (Route r : Route.values()) {
            d.append(' ').append(r.key()).append(" low high");
        }
        d.append('\n');
        for (Figure f : Figure.values()) {
            Optional<Summary> ssh = results.summary(f, Route.SSH);
            if (ssh.isEmpty() || ssh.get().median() <= 0) {
                continue;
            }
            d.append('"').append(shortLabel(f)).append('"');
            for (Route r : Route.values()) {
                Optional<Summary> s = results.summary(f, r);
                if (s.isEmpty() || s.get().min() <= 0) {
                    d.append(" - - -");
                    continue;
                }
                double base = ssh.get().median();
                double mid = speed(f, s.get().median(), base);
                double a = speed(f, s.get().min(), base);
                double b = speed(f, s.get().max(), base);
                d.append(String.format(Locale.ROOT, " %.4f %.4f %.4f", mid, Math.min(a, b), Math.max(a, b)));
            }
            d.append('\n');
        }
        return d.toString();
    }

    /** Returns chart.gp, which reads chart.dat from its own directory and writes chart.png there. */
    static String script(String title) {
        return """
                # Written by `bench report`; run with: gnuplot chart.gp (in this directory).
                set terminal pngcairo size 1400,640 font "sans,11"
                set output "chart.png"
                set title "%s"
                set ylabel "speed relative to ssh -L (higher is better, log scale)"
                set logscale y
                set grid ytics
                set datafile missing "-"
                set style data histograms
                set style histogram errorbars gap 2 lw 1
                set style fill solid 0.85 border -1
                set boxwidth 0.9
                set xtics rotate by -25 left noenhanced
                set key top right
                set yrange [0.01:*]
                set arrow from graph 0, first 1 to graph 1, first 1 nohead dt 2 lc rgb "#555555"
                plot "chart.dat" using 2:3:4:xtic(1) title "direct" lc rgb "#9e9e9e", \\
                     "" using 5:6:7 title "ssh -L" lc rgb "#4a78b5", \\
                     "" using 8:9:10 title "Portless" lc rgb "#e07b39"
                """.formatted(title.replace("\"", "'"));
    }

    private static double speed(Figure f, double value, double sshMedian) {
        return f.higherIsBetter() ? value / sshMedian : sshMedian / value;
    }

    private static String shortLabel(Figure f) {
        return switch (f) {
            case THROUGHPUT_1 -> "throughput 1 stream";
            case THROUGHPUT_8 -> "throughput 8 streams";
            case RTT_P50 -> "64 B RTT p50";
            case RTT_P99 -> "64 B RTT p99";
            case RTT_P999 -> "64 B RTT p99.9";
            case SETUP_P50 -> "new conn p50";
            case SETUP_P99 -> "new conn p99";
            case RATE -> "new conns/s";
            case IDLE_RSS -> "RSS per idle stream";
            case IDLE_HEAP -> "heap per idle stream";
            case SSH_TRUE -> "ssh true";
            case ACCESS_START, ACCESS_START_PLAIN -> f.key();
        };
    }
}
