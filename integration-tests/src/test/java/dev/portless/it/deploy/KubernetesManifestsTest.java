package dev.portless.it.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** deploy/kubernetes checked field by field, and the properties the deployment promises. */
class KubernetesManifestsTest {
    private static final Path DIR = Podman.ROOT.resolve("deploy/kubernetes");

    @Test
    void everyFieldIsKnownAndTyped() throws IOException {
        List<String> problems = new ArrayList<>();
        for (String file : List.of("connector.yaml", "edge.yaml")) {
            for (Map<String, Object> doc : documents(file)) {
                ManifestFields.problems(doc).forEach(p -> problems.add(file + ": " + doc.get("kind") + ": " + p));
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void theCheckCatchesWhatKubePlayIgnores() {
        Map<String, Object> misspelled = Map.of(
                "apiVersion",
                "apps/v1",
                "kind",
                "Deployment",
                "metadata",
                Map.of("name", "x"),
                "spec",
                Map.of(
                        "replica",
                        2,
                        "template",
                        Map.of(
                                "spec",
                                Map.of(
                                        "containers",
                                        List.of(Map.of(
                                                "name",
                                                "c",
                                                "readinessProbe",
                                                Map.of("httpGet", Map.of("path", "/ready", "prot", 9090)),
                                                "ports",
                                                List.of(Map.of("containerPort", "9090"))))))));

        List<String> problems = ManifestFields.problems(misspelled);

        assertTrue(problems.contains("spec.replica: unknown field"), problems::toString);
        assertTrue(
                problems.contains("spec.template.spec.containers[].readinessProbe.httpGet.prot: unknown field"),
                problems::toString);
        assertTrue(
                problems.contains("spec.template.spec.containers[].ports[].containerPort: 9090 is not an integer"),
                problems::toString);
    }

    @Test
    @SuppressWarnings("unchecked")
    void theConnectorRunsTwiceWithItsTokenFromASecretAndProbesOnTheAdminListener() throws IOException {
        Map<String, Object> deployment = kind(documents("connector.yaml"), "Deployment");
        Map<String, Object> spec = (Map<String, Object>) deployment.get("spec");
        assertEquals(2, spec.get("replicas"));
        Map<String, Object> container = ((List<Map<String, Object>>)
                        ((Map<String, Object>) ((Map<String, Object>) spec.get("template")).get("spec"))
                                .get("containers"))
                .get(0);
        Map<String, Object> env = ((List<Map<String, Object>>) container.get("env")).get(0);
        assertEquals("PORTLESS_TUNNEL_TOKEN", env.get("name"));
        assertTrue(((Map<String, Object>) env.get("valueFrom")).containsKey("secretKeyRef"));
        assertEquals(
                "/ready",
                ((Map<String, Object>) ((Map<String, Object>) container.get("readinessProbe")).get("httpGet"))
                        .get("path"));
        assertEquals(
                "/healthz",
                ((Map<String, Object>) ((Map<String, Object>) container.get("livenessProbe")).get("httpGet"))
                        .get("path"));
        kind(documents("connector.yaml"), "PodDisruptionBudget");
        Map<String, Object> policy = (Map<String, Object>)
                kind(documents("connector.yaml"), "NetworkPolicy").get("spec");
        assertTrue(((List<String>) policy.get("policyTypes")).contains("Egress"));
        kind(documents("edge.yaml"), "Deployment");
        kind(documents("edge.yaml"), "Service");
    }

    private static Map<String, Object> kind(List<Map<String, Object>> docs, String kind) {
        return docs.stream()
                .filter(d -> kind.equals(d.get("kind")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> documents(String file) throws IOException {
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Object doc : new Yaml().loadAll(Files.readString(DIR.resolve(file)))) {
            if (doc != null) {
                docs.add((Map<String, Object>) doc);
            }
        }
        return docs;
    }
}
