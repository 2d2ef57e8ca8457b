package dev.migrator.copy;

import java.io.BufferedOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectsRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Error;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * A stage under an S3 prefix ("s3://bucket/prefix"). A file is written to a local temporary file
 * first, then sent in ONE PutObject (an object appears whole or not at all) and the temporary file
 * deleted; reads stream GetObject. Needs s3:PutObject, s3:GetObject and s3:DeleteObject on the
 * prefix's objects and s3:ListBucket on the bucket (without ListBucket S3 answers a read of a
 * missing object with 403, not 404, and the prefix cannot be emptied).
 */
public final class S3Stage implements Stage {
  /** Most keys one DeleteObjects request takes. */
  static final int DELETE_BATCH = 1000;

  private final S3Client s3;
  private final String bucket;
  /** "" or the key prefix with a trailing '/'. */
  private final String prefix;

  S3Stage(S3Client s3, String bucket, String prefix) {
    this.s3 = s3;
    this.bucket = bucket;
    this.prefix = prefix;
  }

  /** From "s3://bucket/prefix"; the client comes from {@code clients} given the region (null: the SDK's default). */
  static S3Stage of(String location, String region, Function<String, S3Client> clients) throws StageException {
    String rest = location.substring("s3://".length());
    int slash = rest.indexOf('/');
    String bucket = slash < 0 ? rest : rest.substring(0, slash);
    String prefix = slash < 0 ? "" : rest.substring(slash + 1);
    while (prefix.endsWith("/")) prefix = prefix.substring(0, prefix.length() - 1);
    if (!bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
      throw new StageException(StageException.Kind.UNUSABLE, "copy.stage.location '" + location + "': '" + bucket
          + "' is not an S3 bucket name (3-63 lowercase letters, digits, dots, hyphens); write s3://bucket/prefix");
    }
    if (prefix.startsWith("/") || prefix.contains("//")) {
      throw new StageException(StageException.Kind.UNUSABLE, "copy.stage.location '" + location
          + "': the prefix has an empty path segment ('//'); write s3://bucket/some/prefix");
    }
    S3Client client;
    try {
      client = clients.apply(region);
    } catch (SdkException e) {
      throw new StageException(StageException.Kind.UNUSABLE, "copy.stage.location '" + location
          + "': cannot set up the S3 client: " + e.getMessage() + "; set copy.stage.region to the bucket's region"
          + " and give the workers AWS credentials (environment, profile or instance role)", e);
    }
    return new S3Stage(client, bucket, prefix.isEmpty() ? "" : prefix + "/");
  }

  /**
   * S3 clients for the worker, one per region, built on first use and kept for the worker's life
   * ({@code S3Client.builder()} with the region when given, else the SDK's default region chain;
   * cross-region access on, so a bucket in another region is still found).
   */
  public static Function<String, S3Client> defaultClients() {
    Map<String, S3Client> clients = new ConcurrentHashMap<>();
    return region -> clients.computeIfAbsent(region == null ? "" : region, r -> {
      var b = S3Client.builder().crossRegionAccessEnabled(true);
      if (!r.isEmpty()) b.region(Region.of(r));
      return b.build();
    });
  }

  String key(String name) {
    return prefix + name;
  }

  @Override
  public <E extends Exception> void write(String name, Content<E> content) throws IOException, E {
    Path tmp = Files.createTempFile("migrator-stage-", ".part");
    try {
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
        content.writeTo(out);
      }
      try {
        s3.putObject(PutObjectRequest.builder().bucket(bucket).key(key(name)).build(), RequestBody.fromFile(tmp));
      } catch (SdkException e) {
        throw classify("PutObject", name, e);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  @Override
  public InputStream open(String name) throws IOException {
    InputStream in;
    try {
      in = s3.getObject(GetObjectRequest.builder().bucket(bucket).key(key(name)).build());
    } catch (NoSuchKeyException e) {
      throw new NoSuchFileException(describe(name));
    } catch (SdkException e) {
      throw classify("GetObject", name, e);
    }
    // the SDK may throw unchecked exceptions while streaming; the JDBC driver reading the stream
    // for LOAD DATA expects IOExceptions
    return new FilterInputStream(in) {
      @Override
      public int read() throws IOException {
        try {
          return super.read();
        } catch (SdkException e) {
          throw new IOException("reading " + describe(name) + ": " + e.getMessage(), e);
        }
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        try {
          return super.read(b, off, len);
        } catch (SdkException e) {
          throw new IOException("reading " + describe(name) + ": " + e.getMessage(), e);
        }
      }
    };
  }

  @Override
  public boolean exists(String name) throws IOException {
    try {
      s3.headObject(HeadObjectRequest.builder().bucket(bucket).key(key(name)).build());
      return true;
    } catch (NoSuchKeyException e) {
      return false;
    } catch (S3Exception e) {
      if (e.statusCode() == 404 && !isNoSuchBucket(e)) return false;
      throw classify("HeadObject", name, e);
    } catch (SdkException e) {
      throw classify("HeadObject", name, e);
    }
  }

  @Override
  public void delete(String name) throws IOException {
    try {
      s3.deleteObject(DeleteObjectRequest.builder().bucket(bucket).key(key(name)).build());
    } catch (SdkException e) {
      throw classify("DeleteObject", name, e);
    }
  }

  /** Lists the prefix page by page (at most 1,000 keys each) and deletes each page with one DeleteObjects. */
  @Override
  public long deleteAll(String dir) throws IOException {
    String under = key(dir.endsWith("/") ? dir : dir + "/");
    long deleted = 0;
    String token = null;
    try {
      do {
        ListObjectsV2Response page = s3.listObjectsV2(ListObjectsV2Request.builder().bucket(bucket).prefix(under)
            .maxKeys(DELETE_BATCH).continuationToken(token).build());
        List<ObjectIdentifier> keys = page.contents().stream()
            .map(o -> ObjectIdentifier.builder().key(o.key()).build()).toList();
        for (int i = 0; i < keys.size(); i += DELETE_BATCH) {
          List<ObjectIdentifier> batch = keys.subList(i, Math.min(keys.size(), i + DELETE_BATCH));
          DeleteObjectsResponse r = s3.deleteObjects(DeleteObjectsRequest.builder().bucket(bucket)
              .delete(Delete.builder().objects(batch).quiet(true).build()).build());
          if (r.hasErrors() && !r.errors().isEmpty()) {
            S3Error err = r.errors().get(0);
            String msg = "DeleteObjects in " + describe(dir) + ": " + r.errors().size() + " key(s) not deleted, e.g. "
                + err.key() + ": " + err.code() + " " + err.message();
            if ("AccessDenied".equals(err.code())) throw accessDenied(msg, null);
            throw new IOException(msg);
          }
          deleted += batch.size();
        }
        token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
      } while (token != null);
    } catch (SdkException e) {
      throw classify("ListObjectsV2/DeleteObjects", dir, e);
    }
    return deleted;
  }

  @Override
  public String describe(String name) {
    return "s3://" + bucket + "/" + key(name);
  }

  @Override
  public String toString() {
    return "s3://" + bucket + "/" + prefix;
  }

  private static boolean isNoSuchBucket(S3Exception e) {
    return e instanceof NoSuchBucketException
        || (e.awsErrorDetails() != null && "NoSuchBucket".equals(e.awsErrorDetails().errorCode()));
  }

  private StageException accessDenied(String what, Throwable cause) {
    return new StageException(StageException.Kind.UNUSABLE, "access denied: " + what + "; the workers' AWS identity"
        + " needs s3:PutObject, s3:GetObject and s3:DeleteObject on arn:aws:s3:::" + bucket + "/" + prefix
        + "* and s3:ListBucket on arn:aws:s3:::" + bucket + " (check also the bucket policy and KMS key policy)", cause);
  }

  /**
   * An S3 error as a StageException when the location is unusable as configured (access denied, no
   * such bucket, wrong region, no credentials), else as a plain IOException (retryable).
   */
  IOException classify(String operation, String name, SdkException e) {
    String what = operation + " " + describe(name);
    if (e instanceof S3Exception s) {
      String code = s.awsErrorDetails() == null || s.awsErrorDetails().errorCode() == null ? ""
          : s.awsErrorDetails().errorCode();
      String detail = what + " (HTTP " + s.statusCode() + (code.isEmpty() ? "" : " " + code) + ")";
      if (isNoSuchBucket(s)) {
        return new StageException(StageException.Kind.UNUSABLE, "the S3 bucket '" + bucket + "' does not exist ("
            + detail + "): create it, or fix copy.stage.location", e);
      }
      if (s.statusCode() == 403 || code.equals("AccessDenied") || code.equals("AllAccessDisabled")
          || code.equals("InvalidAccessKeyId") || code.equals("SignatureDoesNotMatch")) {
        return accessDenied(detail, e);
      }
      if (s.statusCode() == 301 || code.equals("PermanentRedirect") || code.equals("AuthorizationHeaderMalformed")) {
        return new StageException(StageException.Kind.UNUSABLE, "the S3 bucket '" + bucket + "' is in another region ("
            + detail + "): set copy.stage.region to the bucket's region", e);
      }
      if (code.equals("InvalidBucketName")) {
        return new StageException(StageException.Kind.UNUSABLE, "'" + bucket + "' is not a valid bucket name ("
            + detail + "): fix copy.stage.location", e);
      }
    }
    String m = String.valueOf(e.getMessage());
    if (e instanceof SdkClientException && (m.contains("Unable to load credentials") || m.contains("Unable to load region"))) {
      return new StageException(StageException.Kind.UNUSABLE, what + ": " + m + "; give the workers AWS credentials"
          + " (environment, profile or instance role) and set copy.stage.region", e);
    }
    return new IOException(what + " failed: " + m, e);
  }
}
