package dev.portless.access.agent;

import static java.util.Objects.requireNonNull;

import dev.portless.access.limits.AccessLimits;
import dev.portless.common.files.OwnerOnlyFiles;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The start of a background agent from a running {@code access}: the same Java, class path and
 * launcher flags, in a session of its own ({@code setsid}) so that ssh's hang-up does not reach it, its
 * output in the agent's 0600 log.
 */
public final class AgentLauncher {
    private AgentLauncher() {}

    /**
     * Starts an agent unless another call started one within {@link AccessLimits#AGENT_START_WAIT}: of twenty
     * cold {@code access ssh} at once, one starts a JVM for the agent, not twenty.
     */
    public static void spawnOnce(AgentPaths paths) throws IOException {
        requireNonNull(paths, "paths");
        if (thisAgentCommand().isEmpty()) {
            // A test, an embedding or the launcher's class-data training run: no mark for the others.
            return;
        }
        OwnerOnlyFiles.createPrivateDirectory(paths.directory());
        try {
            OwnerOnlyFiles.createFile(paths.starting(), new byte[0]);
        } catch (FileAlreadyExistsException e) {
            Instant since = Files.getLastModifiedTime(paths.starting()).toInstant();
            if (since.plus(AccessLimits.AGENT_START_WAIT).isAfter(Instant.now())) {
                return;
            }
            // A start that never finished: this call tries again.
            Files.setLastModifiedTime(paths.starting(), FileTime.from(Instant.now()));
        }
        spawn(paths);
    }

    /**
     * Returns the started agent process, or empty when this process was not started by the launcher (a
     * test, an embedding) and so cannot be repeated.
     */
    public static Optional<Process> spawn(AgentPaths paths) throws IOException {
        requireNonNull(paths, "paths");
        Optional<List<String>> command = thisAgentCommand();
        if (command.isEmpty()) {
            return Optional.empty();
        }
        OwnerOnlyFiles.createPrivateDirectory(paths.directory());
        OwnerOnlyFiles.openForAppend(paths.log()).close();
        List<String> full = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            full.add("/usr/bin/setsid");
        }
        full.addAll(command.get());
        ProcessBuilder builder = new ProcessBuilder(full)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(paths.log().toFile()))
                .redirectError(ProcessBuilder.Redirect.appendTo(paths.log().toFile()));
        // The agent takes each front's credentials from that front; it keeps none of its starter's.
        builder.environment().keySet().removeIf(name -> name.contains("SERVICE_TOKEN"));
        return Optional.of(builder.start());
    }

    private static Optional<List<String>> thisAgentCommand() {
        return agentCommand(
                ProcessHandle.current().info().command().orElse(null),
                ProcessHandle.current().info().arguments().map(List::of).orElse(List.of()));
    }

    /**
     * Returns the command that runs {@code access agent} with this process's Java, JVM flags and main class
     * (the first argument that is neither an option nor a class path), C1-only compilation dropped since the
     * agent lives long; empty when there is none, e.g. a {@code -jar} launch.
     */
    static Optional<List<String>> agentCommand(String java, List<String> arguments) {
        int main = -1;
        for (int i = 0; i < arguments.size() && main < 0; i++) {
            String a = arguments.get(i);
            if (a.equals("-cp") || a.equals("-classpath") || a.equals("--class-path")) {
                i++;
            } else if (a.equals("-jar")) {
                break;
            } else if (!a.startsWith("-")) {
                main = i;
            }
        }
        // A class-data training run (the launcher's -XX:ArchiveClassesAtExit) must not leave an agent behind.
        if (java == null || main < 0 || arguments.stream().anyMatch(a -> a.startsWith("-XX:ArchiveClassesAtExit"))) {
            return Optional.empty();
        }
        List<String> command = new ArrayList<>();
        command.add(java);
        for (String a : arguments.subList(0, main + 1)) {
            if (!a.startsWith("-XX:TieredStopAtLevel=")) {
                command.add(a);
            }
        }
        command.add("agent");
        return Optional.of(command);
    }
}
