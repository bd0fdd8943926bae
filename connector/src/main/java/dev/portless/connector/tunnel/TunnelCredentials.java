package dev.portless.connector.tunnel;

import static java.util.Objects.requireNonNull;

import dev.portless.common.config.ConfigException;
import dev.portless.common.files.OwnerOnlyFiles;
import dev.portless.common.json.FlatJson;
import dev.portless.common.json.Json;
import dev.portless.connector.secret.SecretHash;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The credentials a connector proves its tunnel with: the tunnel id and name, and the secret whose
 * SHA-256 the edge holds. They live in a 0600 JSON file ({@code {"TunnelID":…,"TunnelName":…,"TunnelSecret":…}})
 * or, for containers, in a one-line token (the same JSON in base64url) passed as {@value #TOKEN_ENV}.
 *
 * <p>{@link #toString()} never shows the secret.
 *
 * @param tunnelId   the tunnel id
 * @param tunnelName the tunnel name
 * @param secret     base64url text of at least 32 random bytes
 */
public record TunnelCredentials(UUID tunnelId, String tunnelName, String secret) {

    /** The environment variable that carries a token instead of a credentials file. */
    public static final String TOKEN_ENV = "PORTLESS_TUNNEL_TOKEN";

    private static final String ID = "TunnelID";
    private static final String NAME = "TunnelName";
    private static final String SECRET = "TunnelSecret";
    private static final int SECRET_BYTES = 32;
    private static final int MAX_FILE_BYTES = 64 * 1024;
    private static final Pattern BASE64URL = Pattern.compile("[A-Za-z0-9_-]+");
    // The same rule as the names in the edge configuration, which must name this tunnel.
    private static final Pattern NAME_FORM = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
    private static final String NAME_RULE =
            "up to 63 letters, digits, '.', '_' or '-', starting with a letter or digit";
    private static final String SECRET_RULE =
            "not base64url text of at least " + SECRET_BYTES + " bytes (it may have been cut short)";
    private static final Pattern UUID_FORM =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Checks the name and the secret's shape. */
    public TunnelCredentials {
        requireNonNull(tunnelId, "tunnelId");
        requireNonNull(tunnelName, "tunnelName");
        requireNonNull(secret, "secret");
        if (!NAME_FORM.matcher(tunnelName).matches()) {
            throw new IllegalArgumentException("tunnelName: \"" + tunnelName + "\" (expected: " + NAME_RULE + ')');
        }
        if (!isValidSecret(secret)) {
            throw new IllegalArgumentException("secret: " + SECRET_RULE);
        }
    }

    /** Returns new credentials for tunnel {@code name}: a random id and 32 random bytes of secret. */
    public static TunnelCredentials generate(String name) {
        requireNonNull(name, "name");
        final byte[] secret = new byte[SECRET_BYTES];
        RANDOM.nextBytes(secret);
        return new TunnelCredentials(
                UUID.randomUUID(), name, Base64.getUrlEncoder().withoutPadding().encodeToString(secret));
    }

    /** Returns the lower-case hex SHA-256 of the secret, the value the edge configuration stores. */
    public String secretSha256() {
        return SecretHash.sha256Hex(secret);
    }

    /**
     * Writes the credentials to {@code file} as JSON, readable by the owner only, atomically: readers see the
     * old file or the new one, and the secret never sits in a file others can read, not even for an instant.
     *
     * @throws IOException with a sentence naming the file when it cannot be written
     */
    public void writeTo(Path file) throws IOException {
        requireNonNull(file, "file");
        final Path target = file.toAbsolutePath();
        final Path dir = target.getParent();
        if (!Files.isDirectory(dir)) {
            throw new IOException("cannot write tunnel credentials to " + file + ": the directory " + dir
                    + " does not exist (create it first)");
        }
        try {
            OwnerOnlyFiles.write(target, (toJson() + '\n').getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IOException(
                    "cannot write tunnel credentials to " + file + ": " + reason(e)
                            + (Files.isWritable(dir) ? "" : " (check that the directory is writable)"),
                    e);
        }
    }

    /**
     * Returns the credentials in the JSON file {@code file}.
     *
     * @throws ConfigException when the file is missing, readable by other users, or not tunnel credentials
     */
    public static TunnelCredentials read(Path file) {
        requireNonNull(file, "file");
        final String name = file.toString();
        final byte[] bytes;
        try {
            checkOwnerOnly(file, name);
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new ConfigException(
                        name, "too large for a tunnel credentials file (check that this is the " + "right file)");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(
                    name,
                    "tunnel credentials file not found (create it with \"connector tunnel "
                            + "create\", or pass a token in " + TOKEN_ENV + ")",
                    e);
        } catch (AccessDeniedException e) {
            throw new ConfigException(name, "permission denied (run the connector as the file's owner)", e);
        } catch (IOException e) {
            throw new ConfigException(name, "cannot read the tunnel credentials: " + reason(e), e);
        }
        try {
            return fromJson(decodeUtf8(bytes));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(
                    name,
                    "not a valid tunnel credentials file: " + e.getMessage()
                            + " (copy the file again or re-create it with \"connector tunnel create\")",
                    e);
        }
    }

    /** Returns the one-line token form: base64url of the credentials JSON, for {@value #TOKEN_ENV}. */
    public String toToken() {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(toJson().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Returns the credentials a token from {@link #toToken()} holds; surrounding whitespace is ignored.
     *
     * @throws IllegalArgumentException with one sentence saying what is wrong with the token
     */
    public static TunnelCredentials fromToken(String token) {
        requireNonNull(token, "token");
        final String text = token.strip();
        if (text.isEmpty()) {
            throw new IllegalArgumentException("the tunnel token is empty (set " + TOKEN_ENV
                    + " to the token printed when the tunnel was created)");
        }
        final byte[] json;
        try {
            json = Base64.getUrlDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "the tunnel token is not base64url text (copy the whole token "
                            + "again; it is one line of letters, digits, '-' and '_')",
                    e);
        }
        try {
            return fromJson(decodeUtf8(json));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "the tunnel token does not hold tunnel credentials: " + e.getMessage()
                            + " (copy the whole token again)",
                    e);
        }
    }

    /** Returns the tunnel id and name; the secret is left out on purpose. */
    @Override
    public String toString() {
        return "TunnelCredentials[tunnelId=" + tunnelId + ", tunnelName=" + tunnelName + ", secret=<hidden>]";
    }

    private String toJson() {
        final Map<String, String> members = new LinkedHashMap<>();
        members.put(ID, tunnelId.toString());
        members.put(NAME, tunnelName);
        members.put(SECRET, secret);
        return Json.write(members);
    }

    private static TunnelCredentials fromJson(String json) {
        final Map<String, String> members = FlatJson.parse(json);
        final String id = member(members, ID);
        if (!UUID_FORM.matcher(id).matches()) {
            throw new IllegalArgumentException(ID + " is not a UUID");
        }
        final String name = member(members, NAME);
        if (!NAME_FORM.matcher(name).matches()) {
            throw new IllegalArgumentException(NAME + " is not " + NAME_RULE);
        }
        final String secret = member(members, SECRET);
        if (!isValidSecret(secret)) {
            throw new IllegalArgumentException(SECRET + " is " + SECRET_RULE);
        }
        return new TunnelCredentials(UUID.fromString(id), name, secret);
    }

    private static boolean isValidSecret(String secret) {
        if (!BASE64URL.matcher(secret).matches()) {
            return false;
        }
        try {
            return Base64.getUrlDecoder().decode(secret).length >= SECRET_BYTES;
        } catch (IllegalArgumentException e) {
            return false; // a length no encoder produces: the text was cut
        }
    }

    private static String member(Map<String, String> members, String key) {
        final String value = members.get(key);
        if (value == null) {
            throw new IllegalArgumentException("\"" + key + "\" is missing");
        }
        return value;
    }

    private static String decodeUtf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("not UTF-8 text", e);
        }
    }

    private static void checkOwnerOnly(Path file, String name) throws IOException {
        final Optional<String> mode = OwnerOnlyFiles.othersMayAccess(file);
        if (mode.isPresent()) {
            throw new ConfigException(
                    name,
                    "other users can access this tunnel secret (permissions "
                            + mode.get() + "); run \"chmod 600 " + name
                            + "\", or pass a token in " + TOKEN_ENV + " instead");
        }
    }

    private static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
