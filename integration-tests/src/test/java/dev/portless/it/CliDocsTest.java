package dev.portless.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portless.it.peers.Commands;
import dev.portless.it.peers.Peers;
import dev.portless.it.peers.ProcessResult;
import dev.portless.it.peers.RepositoryRoot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The man pages and shell completion the build generates from the commands: docs/man holds exactly
 * what the build made (run scripts/man-pages when this fails), and bash completes {@code access}'s
 * subcommands and options from the generated script.
 */
class CliDocsTest {
    private static final Path ROOT = RepositoryRoot.get();
    private static final Path COMMITTED = ROOT.resolve("docs/man");

    @Test
    void theCommittedManPagesAreWhatTheBuildGenerates() throws IOException {
        Map<String, String> built = new TreeMap<>();
        built.putAll(files(ROOT.resolve("access-client/target/man"), ".adoc"));
        built.putAll(files(ROOT.resolve("connector/target/man"), ".adoc"));
        assertTrue(built.containsKey("access.adoc") && built.containsKey("connector.adoc"), built.keySet()::toString);
        Map<String, String> committed = files(COMMITTED, ".adoc");
        assertEquals(
                built.keySet(),
                committed.keySet(),
                "docs/man is behind the commands; run scripts/man-pages and commit docs/man");
        built.forEach((name, text) -> assertEquals(
                text, committed.get(name), "docs/man/" + name + " is behind the commands; run scripts/man-pages"));
    }

    @Test
    void eachCommittedRoffPageIsItsAsciiDocConverted(@TempDir Path out) throws IOException {
        Peers.require("asciidoctor (Debian package asciidoctor)", Peers.executable("/usr/bin/asciidoctor"));
        List<String> command = new java.util.ArrayList<>(
                List.of("/usr/bin/asciidoctor", "--backend=manpage", "-a", "reproducible", "--destination-dir=" + out));
        files(COMMITTED, ".adoc")
                .keySet()
                .forEach(name -> command.add(COMMITTED.resolve(name).toString()));
        Commands.run(command, Duration.ofSeconds(60)).assertSuccess();
        Map<String, String> converted = files(out, ".1");
        Map<String, String> committed = files(COMMITTED, ".1");
        assertEquals(converted.keySet(), committed.keySet());
        converted.forEach((name, text) -> assertEquals(
                text, committed.get(name), "docs/man/" + name + " is behind its AsciiDoc; run scripts/man-pages"));
        assertTrue(committed.get("access-tcp.1").contains("\\-\\-hostname"), "the page documents the options");
    }

    @Test
    void bashCompletesAccessSubcommandsAndOptions(@TempDir Path dir) throws IOException {
        Peers.require("bash", Peers.executable("/bin/bash"));
        Path script = ROOT.resolve("access-client/target/access.bash");
        // What bash does on <TAB>: it sets COMP_* for the line typed so far and calls the registered function.
        Path driver = Files.writeString(dir.resolve("complete.sh"), """
                source "$1"
                complete -p access
                complete_line() {
                  COMP_LINE="$1"; COMP_POINT=${#COMP_LINE}
                  read -r -a COMP_WORDS <<< "$COMP_LINE"
                  [[ $COMP_LINE == *' ' ]] && COMP_WORDS+=('')
                  COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
                  COMPREPLY=()
                  "$2" access "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}" 2>/dev/null
                  echo "$1 => ${COMPREPLY[*]}"
                }
                fn=$(complete -p access | sed -E 's/.*-F ([^ ]+).*/\\1/')
                complete_line 'access t' "$fn"
                complete_line 'access tcp --host' "$fn"
                complete_line 'access lo' "$fn"
                """);
        ProcessResult result = Commands.run(
                        List.of("/bin/bash", driver.toString(), script.toString()), Duration.ofSeconds(30))
                .assertSuccess();
        assertTrue(result.stdout().contains("-F _complete_access"), result.toString());
        assertTrue(result.stdout().contains("access t => tcp token\n"), result.toString());
        assertTrue(result.stdout().contains("access tcp --host => --hostname\n"), result.toString());
        assertTrue(result.stdout().contains("access lo => login logout\n"), result.toString());
        assertFalse(result.stdout().contains("connector"), "access's script completes access only");
    }

    @Test
    void zshCompletesAccessThroughBashcompinit(@TempDir Path dir) throws IOException {
        Peers.require("zsh (Debian package zsh)", Peers.executable("/usr/bin/zsh"));
        Path script = ROOT.resolve("access-client/target/access.bash");
        // An interactive zsh in a pseudo-terminal, set up as README tells zsh users, gets "access t<TAB>".
        Path driver = Files.writeString(dir.resolve("complete.zsh"), """
                zmodload zsh/zpty
                zpty z zsh -f -i
                # Each read waits for what it needs instead of a fixed sleep; the quotes keep the
                # terminal's echo of the command from matching the marker.
                zpty -w z "PS1='> '; autoload -U compinit && compinit -u;\
                 autoload -U +X bashcompinit && bashcompinit; source $1; print SETUP''DONE"
                zpty -r -m z ready '*SETUPDONE*' || exit 3
                zpty -n -w z $'access t\t'
                zpty -r -m z all '*tcp*token*' || exit 4
                print -r -- "$all"
                zpty -d z
                """);
        ProcessResult result = Commands.run(
                        List.of("/usr/bin/zsh", "-f", driver.toString(), script.toString()), Duration.ofSeconds(30))
                .assertSuccess();
        assertTrue(result.stdout().matches("(?s).*tcp\\s+token.*"), result.toString());
    }

    private static Map<String, String> files(Path dir, String suffix) throws IOException {
        Map<String, String> texts = new TreeMap<>();
        try (Stream<Path> list = Files.list(dir)) {
            for (Path file :
                    (Iterable<Path>) list.filter(p -> p.getFileName().toString().endsWith(suffix))::iterator) {
                texts.put(file.getFileName().toString(), Files.readString(file));
            }
        }
        return texts;
    }
}
