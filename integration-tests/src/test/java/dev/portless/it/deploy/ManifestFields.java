package dev.portless.it.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The Kubernetes fields deploy/kubernetes uses, by kind, as dotted paths ({@code []} for a list item and
 * {@code *} for a map whose keys are free), and the ones that must be integers: {@code podman kube play}
 * ignores a misspelled field, so this is the check that does not.
 */
final class ManifestFields {
    private static final List<String> COMMON = List.of("apiVersion", "kind", "metadata.name", "metadata.labels.*");
    private static final List<String> CONTAINER = List.of(
            "name",
            "image",
            "imagePullPolicy",
            "args[]",
            "env[].name",
            "env[].value",
            "env[].valueFrom.secretKeyRef.name",
            "env[].valueFrom.secretKeyRef.key",
            "ports[].name",
            "ports[].containerPort",
            "ports[].protocol",
            "readinessProbe.httpGet.path",
            "readinessProbe.httpGet.port",
            "readinessProbe.tcpSocket.port",
            "readinessProbe.periodSeconds",
            "readinessProbe.failureThreshold",
            "livenessProbe.httpGet.path",
            "livenessProbe.httpGet.port",
            "livenessProbe.tcpSocket.port",
            "livenessProbe.initialDelaySeconds",
            "livenessProbe.periodSeconds",
            "livenessProbe.failureThreshold",
            "resources.requests.cpu",
            "resources.requests.memory",
            "resources.limits.memory",
            "securityContext.allowPrivilegeEscalation",
            "securityContext.readOnlyRootFilesystem",
            "securityContext.capabilities.drop[]",
            "volumeMounts[].name",
            "volumeMounts[].mountPath",
            "volumeMounts[].readOnly");
    private static final List<String> POD = List.of(
            "terminationGracePeriodSeconds",
            "automountServiceAccountToken",
            "securityContext.runAsNonRoot",
            "securityContext.runAsUser",
            "securityContext.runAsGroup",
            "securityContext.fsGroup",
            "securityContext.seccompProfile.type",
            "volumes[].name",
            "volumes[].configMap.name",
            "volumes[].secret.secretName",
            "volumes[].secret.defaultMode",
            "volumes[].secret.optional",
            "volumes[].emptyDir",
            "volumes[].emptyDir.medium",
            "volumes[].emptyDir.sizeLimit");
    private static final Map<String, Set<String>> FIELDS = Map.of(
            "ConfigMap", paths(COMMON, List.of("data.*")),
            "Deployment",
                    paths(
                            COMMON,
                            List.of(
                                    "spec.replicas",
                                    "spec.selector.matchLabels.*",
                                    "spec.strategy.type",
                                    "spec.strategy.rollingUpdate.maxUnavailable",
                                    "spec.strategy.rollingUpdate.maxSurge",
                                    "spec.template.metadata.labels.*"),
                            prefixed("spec.template.spec.", POD),
                            prefixed("spec.template.spec.containers[].", CONTAINER)),
            "Service",
                    paths(
                            COMMON,
                            List.of(
                                    "spec.selector.*",
                                    "spec.ports[].name",
                                    "spec.ports[].port",
                                    "spec.ports[].targetPort",
                                    "spec.ports[].protocol")),
            "PodDisruptionBudget", paths(COMMON, List.of("spec.minAvailable", "spec.selector.matchLabels.*")),
            "NetworkPolicy",
                    paths(
                            COMMON,
                            List.of(
                                    "spec.podSelector.matchLabels.*",
                                    "spec.policyTypes[]",
                                    "spec.ingress",
                                    "spec.egress[].to[].podSelector.matchLabels.*",
                                    "spec.egress[].to[].namespaceSelector",
                                    "spec.egress[].ports[].protocol",
                                    "spec.egress[].ports[].port")));
    private static final Set<String> INTEGERS = Set.of(
            "spec.replicas",
            "containerPort",
            "port",
            "periodSeconds",
            "failureThreshold",
            "initialDelaySeconds",
            "terminationGracePeriodSeconds",
            "runAsUser",
            "runAsGroup",
            "fsGroup",
            "defaultMode",
            "minAvailable",
            "maxUnavailable",
            "maxSurge");

    private ManifestFields() {}

    /** Returns the problems of one manifest document, empty when every field is known and typed right. */
    static List<String> problems(Map<String, Object> document) {
        List<String> problems = new ArrayList<>();
        Object kind = document.get("kind");
        Set<String> allowed = FIELDS.get(String.valueOf(kind));
        if (allowed == null) {
            return List.of("kind " + kind + " is not one the deploy manifests use (expected: " + FIELDS.keySet() + ")");
        }
        walk(document, "", allowed, problems);
        return problems;
    }

    private static void walk(Object node, String path, Set<String> allowed, List<String> problems) {
        if (node instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                String child = path.isEmpty() ? String.valueOf(e.getKey()) : path + "." + e.getKey();
                if (allowed.contains(path + ".*")) {
                    continue;
                }
                if (allowed.stream()
                        .noneMatch(a -> a.equals(child) || a.startsWith(child + ".") || a.startsWith(child + "["))) {
                    problems.add(child + ": unknown field");
                    continue;
                }
                String leaf = child.substring(child.lastIndexOf('.') + 1);
                if ((INTEGERS.contains(child) || INTEGERS.contains(leaf))
                        && !(e.getValue() instanceof Integer)
                        && !(leaf.equals("port") && e.getValue() instanceof String)) {
                    problems.add(child + ": " + e.getValue() + " is not an integer");
                }
                walk(e.getValue(), child, allowed, problems);
            }
        } else if (node instanceof List<?> list) {
            for (Object item : list) {
                walk(item, path + "[]", allowed, problems);
            }
        }
    }

    @SafeVarargs
    private static Set<String> paths(List<String>... parts) {
        return Stream.of(parts).flatMap(List::stream).collect(Collectors.toUnmodifiableSet());
    }

    private static List<String> prefixed(String prefix, List<String> fields) {
        return fields.stream().map(f -> prefix + f).toList();
    }
}
