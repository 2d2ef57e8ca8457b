package dev.migrator.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.migrator.model.Endpoint;
import dev.migrator.model.MigrationRequest;
import dev.migrator.mysql.CredentialResolver;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.failure.v1.Failure;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DataConverterException;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.failure.ApplicationFailure;
import io.temporal.payload.codec.PayloadCodecException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PayloadEncryptionCodecTest {
  static byte[] key() {
    byte[] k = new byte[32];
    new SecureRandom().nextBytes(k);
    return k;
  }

  static final byte[] K1 = key();
  static final byte[] K2 = key();

  static MigrationRequest request() {
    MigrationRequest r = new MigrationRequest();
    r.migrationId = "orders-to-aurora";
    r.source = new Endpoint("orders-db.internal.example", 3306, "migrator", "secret:prod/orders#password");
    r.target = new Endpoint("aurora.cluster-xyz.example", 3306, "admin", "env:TARGET_PW");
    r.schemas = List.of("orders_schema");
    return r;
  }

  static String text(Payload p) {
    return p.getData().toStringUtf8() + p.getMetadataMap().values().stream().map(ByteString::toStringUtf8).toList();
  }

  @Test
  void everyPayloadIsEncryptedWithTheKeyIdInItsMetadataAndDecodesBack() {
    DataConverter dc = PayloadKeys.dataConverter(new PayloadEncryptionCodec("k1", Map.of("k1", K1)));
    Payloads ps = dc.toPayloads(request(), "second argument").orElseThrow();
    assertEquals(2, ps.getPayloadsCount());
    for (Payload p : ps.getPayloadsList()) {
      assertEquals("binary/encrypted", p.getMetadataOrThrow("encoding").toStringUtf8());
      assertEquals("k1", p.getMetadataOrThrow("encryption-key-id").toStringUtf8());
      assertEquals("AES-256-GCM", p.getMetadataOrThrow("encryption-cipher").toStringUtf8());
      for (String clear : List.of("orders-db.internal.example", "secret:prod/orders", "orders_schema", "json/plain",
          "second argument")) {
        assertFalse(text(p).contains(clear), clear + " in " + text(p));
      }
    }
    MigrationRequest back = dc.fromPayloads(0, Optional.of(ps), MigrationRequest.class, MigrationRequest.class);
    assertEquals("orders-db.internal.example", back.source.host);
    assertEquals("secret:prod/orders#password", back.source.password);
    assertEquals("second argument", dc.fromPayloads(1, Optional.of(ps), String.class, String.class));

    Payload a = dc.toPayload("same").orElseThrow();
    Payload b = dc.toPayload("same").orElseThrow();
    assertNotEquals(a.getData(), b.getData(), "a fresh nonce per payload");
  }

  @Test
  void payloadsWithoutEncryptionMetadataDecodeUnchanged() {
    Payloads plain = DefaultDataConverter.STANDARD_INSTANCE.toPayloads(request()).orElseThrow();
    assertEquals("json/plain", plain.getPayloads(0).getMetadataOrThrow("encoding").toStringUtf8());
    for (PayloadEncryptionCodec codec : List.of(new PayloadEncryptionCodec("k1", Map.of("k1", K1)),
        PayloadEncryptionCodec.none())) {
      DataConverter dc = PayloadKeys.dataConverter(codec);
      MigrationRequest back = dc.fromPayloads(0, Optional.of(plain), MigrationRequest.class, MigrationRequest.class);
      assertEquals("orders-db.internal.example", back.source.host);
      assertEquals(plain.getPayloadsList(), codec.decode(plain.getPayloadsList()));
    }
    // No key configured: nothing is encrypted either.
    assertEquals(plain.getPayloadsList(), PayloadEncryptionCodec.none().encode(plain.getPayloadsList()));
  }

  @Test
  void rotatedKeysStillDecryptOldPayloadsAndAMissingKeyIsNamed() {
    List<Payload> old = new PayloadEncryptionCodec("k1", Map.of("k1", K1)).encode(
        DefaultDataConverter.STANDARD_INSTANCE.toPayloads("recorded before the rotation").orElseThrow().getPayloadsList());
    PayloadEncryptionCodec rotated = new PayloadEncryptionCodec("k2", Map.of("k2", K2, "k1", K1));
    assertEquals("recorded before the rotation", DefaultDataConverter.STANDARD_INSTANCE.fromPayload(
        rotated.decode(old).get(0), String.class, String.class));
    assertEquals("k2", rotated.encode(List.of(Payload.newBuilder().setData(ByteString.copyFromUtf8("x")).build()))
        .get(0).getMetadataOrThrow("encryption-key-id").toStringUtf8());

    PayloadEncryptionCodec withoutOld = new PayloadEncryptionCodec("k2", Map.of("k2", K2));
    PayloadCodecException e = assertThrows(PayloadCodecException.class, () -> withoutOld.decode(old));
    assertTrue(e.getMessage().contains("key id 'k1', which this process does not have (it has [k2]"), e.getMessage());
    assertTrue(e.getMessage().contains("MIGRATOR_PAYLOAD_DECRYPT_KEYS"), e.getMessage());
    for (byte[] k : List.of(K1, K2)) {
      assertFalse(e.getMessage().contains(Base64.getEncoder().encodeToString(k)));
      assertFalse(e.getMessage().contains(HexFormat.of().formatHex(k)));
    }

    PayloadCodecException none = assertThrows(PayloadCodecException.class, () -> PayloadEncryptionCodec.none().decode(old));
    assertTrue(none.getMessage().contains("set MIGRATOR_PAYLOAD_KEY and MIGRATOR_PAYLOAD_KEY_ID"), none.getMessage());
    // Through the data converter the SDK wraps it, keeping the message.
    DataConverter dc = PayloadKeys.dataConverter(PayloadEncryptionCodec.none());
    Exception wrapped = assertThrows(Exception.class, () -> dc.fromPayload(old.get(0), String.class, String.class));
    assertTrue(String.valueOf(wrapped.getMessage()).contains("k1") || String.valueOf(wrapped.getCause()).contains("k1"),
        String.valueOf(wrapped));
  }

  @Test
  void alteredCiphertextOrKeyIdDoesNotDecrypt() {
    PayloadEncryptionCodec codec = new PayloadEncryptionCodec("k1", Map.of("k1", K1, "k2", K2));
    Payload p = codec.encode(List.of(Payload.newBuilder().setData(ByteString.copyFromUtf8("hello")).build())).get(0);
    byte[] data = p.getData().toByteArray();
    data[data.length - 1] ^= 1;
    Payload flipped = p.toBuilder().setData(ByteString.copyFrom(data)).build();
    assertTrue(assertThrows(PayloadCodecException.class, () -> codec.decode(List.of(flipped))).getMessage()
        .contains("does not decrypt"));
    Payload relabelled = p.toBuilder().putMetadata("encryption-key-id", ByteString.copyFromUtf8("k2")).build();
    assertThrows(PayloadCodecException.class, () -> codec.decode(List.of(relabelled)), "the key id is authenticated");
    PayloadEncryptionCodec otherMaterial = new PayloadEncryptionCodec("k1", Map.of("k1", K2));
    assertTrue(assertThrows(PayloadCodecException.class, () -> otherMaterial.decode(List.of(p))).getMessage()
        .contains("the key configured under that id is not the one it was encrypted with"));
  }

  @Test
  void failureMessagesAndDetailsAreEncryptedToo() {
    DataConverter dc = PayloadKeys.dataConverter(new PayloadEncryptionCodec("k1", Map.of("k1", K1)));
    ApplicationFailure af = ApplicationFailure.newNonRetryableFailure(
        "source orders-db.internal.example:3306: access denied", "AccessDenied", "detail orders_schema");
    Failure f = dc.exceptionToFailure(af);
    assertEquals("Encoded failure", f.getMessage());
    assertTrue(PayloadEncryptionCodec.isEncrypted(f.getEncodedAttributes()));
    assertTrue(PayloadEncryptionCodec.isEncrypted(f.getApplicationFailureInfo().getDetails().getPayloads(0)));
    assertFalse(f.toString().contains("orders-db.internal.example"), f.toString());
    assertFalse(f.toString().contains("orders_schema"), f.toString());
    assertEquals("AccessDenied", f.getApplicationFailureInfo().getType(), "the type stays readable");
    ApplicationFailure back = (ApplicationFailure) dc.failureToException(f);
    assertEquals("source orders-db.internal.example:3306: access denied", back.getOriginalMessage());
    assertEquals("detail orders_schema", back.getDetails().get(String.class));
  }

  @Test
  void keysComeFromReferencesAsBase64OrHexAndBadOnesAreRefusedWithoutEchoingThem(@TempDir Path dir) throws Exception {
    Path k1 = dir.resolve("k1");
    Files.writeString(k1, Base64.getEncoder().encodeToString(K1) + "\n");
    Path k0 = dir.resolve("k0");
    Files.writeString(k0, HexFormat.of().formatHex(K2));
    CredentialResolver resolver = new CredentialResolver(Map.of("SHORT_KEY", "c2hvcnQ="), (dev.migrator.secrets.SecretSource) null);

    PayloadEncryptionCodec codec = PayloadKeys.of("file:" + k1, "k1", "k0=file:" + k0).codec(resolver);
    assertTrue(codec.encrypts());
    assertEquals("k1", codec.currentKeyId());
    assertEquals(java.util.Set.of("k0", "k1"), codec.keyIds());
    Payload p = new PayloadEncryptionCodec("k0", Map.of("k0", K2)).encode(
        List.of(Payload.newBuilder().setData(ByteString.copyFromUtf8("old")).build())).get(0);
    assertEquals("old", codec.decode(List.of(p)).get(0).getData().toStringUtf8());

    IllegalArgumentException shortKey = assertThrows(IllegalArgumentException.class,
        () -> PayloadKeys.of("env:SHORT_KEY", "k1", null).codec(resolver));
    assertTrue(shortKey.getMessage().startsWith("MIGRATOR_PAYLOAD_KEY (env:SHORT_KEY): a payload key must be 32 random bytes"),
        shortKey.getMessage());
    assertFalse(shortKey.getMessage().contains("c2hvcnQ="));

    IllegalArgumentException unset = assertThrows(IllegalArgumentException.class,
        () -> PayloadKeys.of("env:NOT_SET_ANYWHERE", "k1", null).codec(resolver));
    assertTrue(unset.getMessage().contains("environment variable NOT_SET_ANYWHERE is not set"), unset.getMessage());

    assertTrue(assertThrows(IllegalArgumentException.class, () -> PayloadKeys.of("file:" + k1, null, null).codec(resolver))
        .getMessage().contains("needs MIGRATOR_PAYLOAD_KEY_ID"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> PayloadKeys.of("file:" + k1, "bad id!", null)
        .codec(resolver)).getMessage().contains("key id 'bad id!'"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> PayloadKeys.of(null, null, "k0").codec(resolver))
        .getMessage().contains("is not id=reference"));

    PayloadEncryptionCodec decryptOnly = PayloadKeys.of(null, null, "k0=file:" + k0).codec(resolver);
    assertFalse(decryptOnly.encrypts());
    assertEquals("old", decryptOnly.decode(List.of(p)).get(0).getData().toStringUtf8());

    PayloadKeys env = PayloadKeys.fromEnvironment(Map.of("MIGRATOR_PAYLOAD_KEY", "file:" + k1,
        "MIGRATOR_PAYLOAD_KEY_ID", "k1", "MIGRATOR_PAYLOAD_DECRYPT_KEYS", "k0=file:" + k0));
    assertEquals(java.util.Set.of("k0", "k1"), env.codec(resolver).keyIds());
    String described = PayloadKeys.describe(env.codec(resolver));
    assertEquals("payloads encrypted (AES-256-GCM, key id k1; decrypts [k0, k1])", described);
  }
}
