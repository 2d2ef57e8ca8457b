package dev.migrator.worker;

import dev.migrator.mysql.CredentialResolver;
import io.temporal.common.converter.CodecDataConverter;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.GlobalDataConverter;
import io.temporal.failure.ApplicationFailure;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Which keys encrypt Temporal payloads: references (env:, file:, secret:, like database passwords)
 * resolved when the worker or CLI starts.
 *
 * <ul>
 *   <li>{@code MIGRATOR_PAYLOAD_KEY} (--payload-key): reference to the current key, 32 random bytes
 *       as base64 ({@code openssl rand -base64 32}) or 64 hex digits;
 *   <li>{@code MIGRATOR_PAYLOAD_KEY_ID} (--payload-key-id): its id, written into every payload's
 *       metadata (letters, digits, '.', '_', '-');
 *   <li>{@code MIGRATOR_PAYLOAD_DECRYPT_KEYS} (--payload-decrypt-keys): {@code id=reference,...}, older
 *       keys that still decrypt (rotation: make the old key a decrypt key, give a new current one).
 * </ul>
 *
 * Nothing set: payloads are not encrypted (and encrypted ones fail to decode with a message saying
 * which key id is needed). The key material never appears in a message or log.
 */
public final class PayloadKeys {
  private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  public String keyRef;
  public String keyId;
  public String decryptKeys;

  public static PayloadKeys none() {
    return new PayloadKeys();
  }

  public static PayloadKeys of(String keyRef, String keyId, String decryptKeys) {
    PayloadKeys k = new PayloadKeys();
    k.keyRef = blankToNull(keyRef);
    k.keyId = blankToNull(keyId);
    k.decryptKeys = blankToNull(decryptKeys);
    return k;
  }

  public static PayloadKeys fromEnvironment(Map<String, String> env) {
    return of(env.get("MIGRATOR_PAYLOAD_KEY"), env.get("MIGRATOR_PAYLOAD_KEY_ID"), env.get("MIGRATOR_PAYLOAD_DECRYPT_KEYS"));
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }

  public boolean configured() {
    return keyRef != null || decryptKeys != null;
  }

  /** Resolves the references and builds the codec; messages name settings and references only. */
  public PayloadEncryptionCodec codec(CredentialResolver resolver) {
    if (keyRef == null && keyId != null) {
      throw new IllegalArgumentException("MIGRATOR_PAYLOAD_KEY_ID is set but MIGRATOR_PAYLOAD_KEY (--payload-key) is not");
    }
    if (keyRef != null && keyId == null) {
      throw new IllegalArgumentException("MIGRATOR_PAYLOAD_KEY needs MIGRATOR_PAYLOAD_KEY_ID (--payload-key-id): the id"
          + " recorded in each payload so the key can be rotated later");
    }
    Map<String, byte[]> keys = new LinkedHashMap<>();
    if (keyRef != null) {
      checkId(keyId, "MIGRATOR_PAYLOAD_KEY_ID");
      keys.put(keyId, material(resolver, keyRef, "MIGRATOR_PAYLOAD_KEY"));
    }
    if (decryptKeys != null) {
      for (String entry : decryptKeys.split(",")) {
        String e = entry.trim();
        if (e.isEmpty()) continue;
        int eq = e.indexOf('=');
        if (eq <= 0 || eq == e.length() - 1) {
          throw new IllegalArgumentException("MIGRATOR_PAYLOAD_DECRYPT_KEYS: '" + e + "' is not id=reference"
              + " (e.g. k2024=file:/run/keys/k2024)");
        }
        String id = e.substring(0, eq).trim();
        checkId(id, "MIGRATOR_PAYLOAD_DECRYPT_KEYS");
        if (keys.containsKey(id)) {
          throw new IllegalArgumentException("MIGRATOR_PAYLOAD_DECRYPT_KEYS: key id '" + id + "' is given twice");
        }
        keys.put(id, material(resolver, e.substring(eq + 1).trim(), "MIGRATOR_PAYLOAD_DECRYPT_KEYS[" + id + "]"));
      }
    }
    return new PayloadEncryptionCodec(keyRef == null ? null : keyId, keys);
  }

  private static void checkId(String id, String what) {
    if (!KEY_ID.matcher(id).matches()) {
      throw new IllegalArgumentException(what + ": key id '" + id + "' must be 1-64 letters, digits, '.', '_' or '-'");
    }
  }

  private static byte[] material(CredentialResolver resolver, String ref, String what) {
    String v;
    try {
      v = resolver.resolve(ref, what);
    } catch (ApplicationFailure f) {
      throw new IllegalArgumentException(f.getOriginalMessage());
    }
    if (v == null) throw new IllegalArgumentException(what + " is empty");
    return keyMaterial(v, what + " (" + ref + ")");
  }

  /** 32 bytes from base64 or 64 hex digits; the message never echoes the value. */
  static byte[] keyMaterial(String value, String what) {
    String s = value.trim();
    byte[] k = null;
    if (s.length() == 64 && s.chars().allMatch(ch -> Character.digit(ch, 16) >= 0)) {
      k = HexFormat.of().parseHex(s);
    } else {
      try {
        k = Base64.getDecoder().decode(s);
      } catch (IllegalArgumentException e) {
        try {
          k = Base64.getUrlDecoder().decode(s);
        } catch (IllegalArgumentException e2) {
          k = null;
        }
      }
    }
    if (k == null || k.length != 32) {
      throw new IllegalArgumentException(what + ": a payload key must be 32 random bytes written as base64"
          + " (openssl rand -base64 32) or as 64 hex digits");
    }
    return k;
  }

  /** The data converter: the SDK's JSON/protobuf converter, then this codec on every payload. */
  public static DataConverter dataConverter(PayloadEncryptionCodec codec) {
    // Failure messages and stack traces go into an encoded payload too, when encrypting (they may
    // name endpoints); the failure's type and the "Encoded failure" placeholder stay readable.
    return new CodecDataConverter(GlobalDataConverter.get(), List.of(codec), codec.encrypts());
  }

  /** For logs: which key ids, never key material. */
  public static String describe(PayloadEncryptionCodec codec) {
    if (codec.encrypts()) {
      return "payloads encrypted (AES-256-GCM, key id " + codec.currentKeyId() + "; decrypts " + codec.keyIds() + ")";
    }
    return codec.keyIds().isEmpty() ? "payloads NOT encrypted (no MIGRATOR_PAYLOAD_KEY)"
        : "payloads NOT encrypted; decrypts " + codec.keyIds();
  }
}
