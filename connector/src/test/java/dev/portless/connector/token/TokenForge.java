package dev.portless.connector.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * App tokens as an attacker could write them: any header, any claims, signed with any key,
 * HMAC keyed with the public key, or not at all.
 */
public final class TokenForge {
    private final Map<String, Object> header = new LinkedHashMap<>();
    private final Map<String, Object> claims = new LinkedHashMap<>();

    private TokenForge() {}

    /** Returns the header and claims of a valid app token of {@code issuer} for {@code app}, signed by {@code kid}. */
    public static TokenForge valid(String issuer, String app, String kid) {
        long now = Instant.now().getEpochSecond();
        TokenForge f = new TokenForge();
        f.header.put("alg", "ES256");
        f.header.put("typ", "portless-app+jwt");
        f.header.put("kid", kid);
        f.claims.put("iss", issuer);
        f.claims.put("aud", app);
        f.claims.put("sub", "alice@example.com");
        f.claims.put("email", "alice@example.com");
        f.claims.put("groups", List.of("admins"));
        f.claims.put("iat", now);
        f.claims.put("nbf", now);
        f.claims.put("exp", now + 3600);
        f.claims.put("jti", "j-" + now);
        return f;
    }

    /** Sets a header member; null removes it. */
    public TokenForge header(String name, Object value) {
        put(header, name, value);
        return this;
    }

    /** Sets a claim; null removes it. */
    public TokenForge claim(String name, Object value) {
        put(claims, name, value);
        return this;
    }

    /** Returns the token signed ES256 with {@code key}. */
    public String signedWith(ECKey key) {
        return sign(signingInput(), key);
    }

    /** Returns the header and claims bytes as they are, even when not JSON, signed ES256 with {@code key}. */
    public static String signedRaw(byte[] headerBytes, byte[] claimsBytes, ECKey key) {
        return sign(Base64URL.encode(headerBytes) + "." + Base64URL.encode(claimsBytes), key);
    }

    private static String sign(String input, ECKey key) {
        try {
            Signature s = Signature.getInstance("SHA256withECDSAinP1363Format");
            s.initSign(key.toECPrivateKey());
            s.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + '.' + Base64URL.encode(s.sign());
        } catch (GeneralSecurityException | JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Returns the token with {@code alg: none} and an empty signature. */
    public String unsigned() {
        header("alg", "none");
        return signingInput() + '.';
    }

    /** Returns the token "signed" HS256 with {@code secret} (e.g. the public key's bytes). */
    public String hmacWith(byte[] secret) {
        header("alg", "HS256");
        String input = signingInput();
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return input + '.' + Base64URL.encode(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Returns a new P-256 key with {@code kid}. */
    public static ECKey newKey(String kid) {
        try {
            return new ECKeyGenerator(Curve.P_256)
                    .keyID(kid)
                    .algorithm(JWSAlgorithm.ES256)
                    .generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Returns {@code token} with one character of its signature changed. */
    public static String tampered(String token) {
        int sig = token.lastIndexOf('.') + 5;
        char c = token.charAt(sig);
        return token.substring(0, sig) + (c == 'A' ? 'B' : 'A') + token.substring(sig + 1);
    }

    private String signingInput() {
        return Base64URL.encode(JSONObjectUtils.toJSONString(header).getBytes(StandardCharsets.UTF_8)) + "."
                + Base64URL.encode(JSONObjectUtils.toJSONString(claims).getBytes(StandardCharsets.UTF_8));
    }

    private static void put(Map<String, Object> map, String name, Object value) {
        if (value == null) {
            map.remove(name);
        } else {
            map.put(name, value);
        }
    }
}
