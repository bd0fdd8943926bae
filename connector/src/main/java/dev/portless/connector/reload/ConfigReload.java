package dev.portless.connector.reload;

import static java.util.Objects.requireNonNull;

import dev.portless.common.admin.AdminAnswer;
import dev.portless.common.admin.AdminCommand;
import dev.portless.common.json.Json;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reload of a program's configuration files, one at a time whether SIGHUP or {@code connector reload}
 * ({@code POST /reload} on the admin listener) asked for it; as an admin command it answers with the outcome:
 * 200 with the report when every file was applied, 422 with it when one was refused.
 */
public final class ConfigReload implements AdminCommand {
    /** Where the admin listener takes the command. */
    public static final String PATH = "/reload";

    private static final Logger log = LoggerFactory.getLogger(ConfigReload.class);

    private final Supplier<List<ReloadOutcome>> files;

    /** Returns the reload that runs {@code files}: each of the program's files read again, in order. */
    public ConfigReload(Supplier<List<ReloadOutcome>> files) {
        this.files = requireNonNull(files, "files");
    }

    /**
     * Reads the files again, logs each outcome and returns them. Reads files: call it off the event loops (the
     * signal thread and the admin listener's command thread are).
     */
    public synchronized List<ReloadOutcome> reload() {
        List<ReloadOutcome> outcomes = List.copyOf(files.get());
        outcomes.forEach(outcome -> outcome.log(log));
        return outcomes;
    }

    @Override
    public AdminAnswer run(String body) {
        List<ReloadOutcome> outcomes = reload();
        if (outcomes.stream().allMatch(ReloadOutcome::applied)) {
            return new AdminAnswer(200, Json.write(Map.of("outcome", "applied", "report", report(outcomes))) + "\n");
        }
        // The refusal first: the command prints it after "refused: ", and the files that did apply follow.
        List<ReloadOutcome> refusedFirst = outcomes.stream()
                .sorted(Comparator.comparing(ReloadOutcome::applied))
                .toList();
        return new AdminAnswer(422, Json.write(Map.of("outcome", "refused", "error", report(refusedFirst))) + "\n");
    }

    private static String report(List<ReloadOutcome> outcomes) {
        return outcomes.stream().flatMap(o -> o.lines().stream()).collect(Collectors.joining("\n"));
    }
}
