package dev.portless.bench.probe;

import java.io.PrintWriter;
import java.util.Locale;

/** The one output format of every probe: {@code name value} lines that scripts/bench collects. */
public final class Figures {
    private final PrintWriter out;

    public Figures(PrintWriter out) {
        this.out = out;
    }

    public void print(String name, double value) {
        out.println(name + " " + String.format(Locale.ROOT, "%.3f", value));
    }

    public void print(String name, long value) {
        out.println(name + " " + value);
    }

    public void flush() {
        out.flush();
    }
}
