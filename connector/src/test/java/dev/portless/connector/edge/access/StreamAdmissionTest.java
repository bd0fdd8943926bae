package dev.portless.connector.edge.access;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StreamAdmissionTest {

    @ParameterizedTest(name = "Host: \"{0}\" -> \"{1}\"")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            ssh.example.com              | ssh.example.com
            ssh.example.com:443          | ssh.example.com
            ssh.example.com:8443         | ssh.example.com
            SSH.Example.COM              | ssh.example.com
            SSH.Example.COM:8443         | ssh.example.com
            ssh.example.com.             | ssh.example.com
            ssh.example.com.:443         | ssh.example.com
            SSH.EXAMPLE.COM.:443         | ssh.example.com
            "  ssh.example.com  "        | ssh.example.com
            127.0.0.1:8443               | 127.0.0.1
            [::1]                        | [::1]
            [::1]:8443                   | [::1]
            [2001:DB8::1]:443            | [2001:db8::1]
            ""                           | ""
            """)
    void keepsOnlyTheHostInLowerCaseWithoutPortOrTrailingDot(String header, String expected) {
        assertEquals(expected, StreamAdmission.hostOnly(header));
    }

    @Test
    void treatsAMissingHostAsEmpty() {
        assertEquals("", StreamAdmission.hostOnly(null));
    }
}
