package dev.portless.access.cli;

import dev.portless.access.resume.ResumingStream;
import java.util.Map;
import picocli.CommandLine.Option;

/** The {@code --no-resume} option of the commands whose streams resume across breaks by default. */
final class ResumeOption {

    @Option(
            names = {"--no-resume"},
            description = "carry each stream without portless-resume.v1, so a break of the connection to the edge "
                    + "ends it (env PORTLESS_RESUME=off)")
    boolean noResume;

    /**
     * Returns whether streams resume: on unless {@code --no-resume} or {@code PORTLESS_RESUME=off}. The one
     * decision for {@code access tcp}, {@code forward} and {@code ssh}, the agent's streams included.
     */
    boolean resumes(Map<String, String> env) {
        return !noResume && ResumingStream.requested(env);
    }
}
