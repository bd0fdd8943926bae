package dev.portless.bridge.testing;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** Reads the bridge's audit log with an independent JSON parser, waiting for records written after a close. */
public final class AuditRecords {

    private AuditRecords() {}

    /** Returns every record in {@code file}; each line must be one JSON object. */
    public static List<Map<String, Object>> read(Path file) {
        final List<Map<String, Object>> records = new ArrayList<>();
        try {
            if (!Files.exists(file)) {
                return records;
            }
            for (String line : Files.readAllLines(file)) {
                records.add(JSONObjectUtils.parse(line));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ParseException e) {
            throw new AssertionError("the audit log holds a line that is not a JSON object: " + e.getMessage(), e);
        }
        return records;
    }

    /** Returns the first record after the first {@code skip} that {@code match} accepts, waiting up to 10 s. */
    public static Map<String, Object> await(Path file, int skip, Predicate<Map<String, Object>> match) {
        final long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            final List<Map<String, Object>> records = read(file);
            for (Map<String, Object> record : records.subList(Math.min(skip, records.size()), records.size())) {
                if (match.test(record)) {
                    return record;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no matching audit record within 10 s; the log holds: " + records);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }

    /** Returns a predicate matching records whose {@code key} equals {@code value}. */
    public static Predicate<Map<String, Object>> where(String key, Object value) {
        return record -> value.equals(record.get(key));
    }
}
