package dev.migrator.worker;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.temporal.api.common.v1.Payload;
import io.temporal.payload.codec.PayloadCodec;
import io.temporal.payload.codec.PayloadCodecException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts every payload with AES-256-GCM. The encrypted payload holds the whole original payload
 * (its metadata, e.g. {@code encoding: json/plain}, and its data) as {@code nonce (12 bytes) ||
 * ciphertext || tag (16 bytes)}, with metadata {@code encoding: binary/encrypted}, {@code
 * encryption-cipher: AES-256-GCM} and {@code encryption-key-id}: the id of the key, which is also
 * the GCM additional data, so a payload cannot be passed off under another key id.
 *
 * <p>Encoding uses the one current key; decoding finds the key by the payload's key id among all
 * configured ones, so keys rotate without losing old histories. A payload without {@code
 * binary/encrypted} (recorded before encryption was turned on, or by a process without a key)
 * decodes unchanged. With no current key the codec encodes nothing and only decodes.
 *
 * <p>Errors name key ids, never key material.
 */
public final class PayloadEncryptionCodec implements PayloadCodec {
  public static final String ENCODING = "binary/encrypted";
  public static final String METADATA_ENCODING = "encoding";
  public static final String METADATA_KEY_ID = "encryption-key-id";
  public static final String METADATA_CIPHER = "encryption-cipher";
  public static final String CIPHER = "AES-256-GCM";
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final ByteString ENCODING_BYTES = ByteString.copyFromUtf8(ENCODING);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String currentKeyId;
  private final Map<String, SecretKey> keys;

  /**
   * @param currentKeyId the key new payloads are encrypted with (null: do not encrypt)
   * @param keys every key that may decrypt, by id (must include {@code currentKeyId})
   */
  public PayloadEncryptionCodec(String currentKeyId, Map<String, byte[]> keys) {
    Map<String, SecretKey> k = new LinkedHashMap<>();
    keys.forEach((id, material) -> {
      if (material == null || material.length != 32) {
        throw new IllegalArgumentException("payload key '" + id + "' must be 32 bytes (AES-256)");
      }
      k.put(id, new SecretKeySpec(material, "AES"));
    });
    if (currentKeyId != null && !k.containsKey(currentKeyId)) {
      throw new IllegalArgumentException("no key material for the current payload key id '" + currentKeyId + "'");
    }
    this.currentKeyId = currentKeyId;
    this.keys = Collections.unmodifiableMap(k);
  }

  /** A codec that encrypts nothing and decrypts nothing (an encrypted payload fails with a clear message). */
  public static PayloadEncryptionCodec none() {
    return new PayloadEncryptionCodec(null, Map.of());
  }

  public boolean encrypts() {
    return currentKeyId != null;
  }

  public String currentKeyId() {
    return currentKeyId;
  }

  public java.util.Set<String> keyIds() {
    return new TreeSet<>(keys.keySet());
  }

  public static boolean isEncrypted(Payload p) {
    return ENCODING_BYTES.equals(p.getMetadataOrDefault(METADATA_ENCODING, ByteString.EMPTY));
  }

  @Override
  public List<Payload> encode(List<Payload> payloads) {
    if (currentKeyId == null) return payloads;
    List<Payload> out = new ArrayList<>(payloads.size());
    for (Payload p : payloads) out.add(isEncrypted(p) ? p : encrypt(p));
    return out;
  }

  @Override
  public List<Payload> decode(List<Payload> payloads) {
    List<Payload> out = new ArrayList<>(payloads.size());
    for (Payload p : payloads) out.add(isEncrypted(p) ? decrypt(p) : p);
    return out;
  }

  private Payload encrypt(Payload p) {
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, keys.get(currentKeyId), new GCMParameterSpec(TAG_BITS, nonce));
      c.updateAAD(currentKeyId.getBytes(StandardCharsets.UTF_8));
      byte[] sealed = c.doFinal(p.toByteArray());
      ByteBuffer data = ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed);
      return Payload.newBuilder()
          .putMetadata(METADATA_ENCODING, ENCODING_BYTES)
          .putMetadata(METADATA_CIPHER, ByteString.copyFromUtf8(CIPHER))
          .putMetadata(METADATA_KEY_ID, ByteString.copyFromUtf8(currentKeyId))
          .setData(ByteString.copyFrom(data.array()))
          .build();
    } catch (GeneralSecurityException e) {
      throw new PayloadCodecException("cannot encrypt a payload with key id '" + currentKeyId + "': "
          + e.getClass().getSimpleName(), e);
    }
  }

  private Payload decrypt(Payload p) {
    String id = p.getMetadataOrDefault(METADATA_KEY_ID, ByteString.EMPTY).toStringUtf8();
    String cipher = p.getMetadataOrDefault(METADATA_CIPHER, ByteString.copyFromUtf8(CIPHER)).toStringUtf8();
    if (!CIPHER.equals(cipher)) {
      throw new PayloadCodecException("payload encrypted with cipher '" + cipher + "', not " + CIPHER);
    }
    SecretKey key = keys.get(id);
    if (key == null) {
      throw new PayloadCodecException("payload is encrypted with key id '" + id + "', which this process does not have"
          + (keys.isEmpty() ? " (no payload keys configured: set MIGRATOR_PAYLOAD_KEY and MIGRATOR_PAYLOAD_KEY_ID, or"
              + " --payload-key/--payload-key-id)"
              : " (it has " + keyIds() + "; add the old key to MIGRATOR_PAYLOAD_DECRYPT_KEYS)"));
    }
    byte[] data = p.getData().toByteArray();
    if (data.length < NONCE_BYTES + TAG_BITS / 8) {
      throw new PayloadCodecException("encrypted payload (key id '" + id + "') is truncated");
    }
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, data, 0, NONCE_BYTES));
      c.updateAAD(id.getBytes(StandardCharsets.UTF_8));
      byte[] plain = c.doFinal(data, NONCE_BYTES, data.length - NONCE_BYTES);
      return Payload.parseFrom(plain);
    } catch (AEADBadTagException e) {
      throw new PayloadCodecException("payload with key id '" + id + "' does not decrypt: the key configured under"
          + " that id is not the one it was encrypted with, or the payload was altered");
    } catch (GeneralSecurityException | InvalidProtocolBufferException e) {
      throw new PayloadCodecException("cannot decrypt a payload with key id '" + id + "': "
          + e.getClass().getSimpleName(), e);
    }
  }
}
