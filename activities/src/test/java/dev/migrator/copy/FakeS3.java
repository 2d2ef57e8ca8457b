package dev.migrator.copy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectResponse;
import software.amazon.awssdk.services.s3.model.DeleteObjectsRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.DeletedObject;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A fake of the SDK's {@link S3Client} backed by real local storage: each bucket is a directory,
 * each object a file named by its URL-encoded key (so "a" and "a/b" can both exist, as in S3).
 * Only the calls the stage makes are implemented (PutObject, GetObject, HeadObject, DeleteObject,
 * DeleteObjects, ListObjectsV2); the others keep the interface's UnsupportedOperationException.
 * Errors are S3's: NoSuchKey, NoSuchBucket, AccessDenied (when {@link #denied}), MalformedXML for a
 * DeleteObjects of more than 1,000 keys. A PUT is written to a temporary file and renamed, so an
 * object appears whole, like in S3.
 */
final class FakeS3 implements S3Client {
  final Path root;
  /** Every call fails with 403 AccessDenied (an identity without s3 permissions). */
  volatile boolean denied;
  final AtomicInteger puts = new AtomicInteger();
  final AtomicInteger deleteObjectsCalls = new AtomicInteger();
  final AtomicInteger largestDeleteBatch = new AtomicInteger();

  FakeS3(Path root, String... buckets) throws IOException {
    this.root = root;
    for (String b : buckets) Files.createDirectories(root.resolve(b));
  }

  @Override
  public String serviceName() {
    return "s3";
  }

  @Override
  public void close() {}

  // ---- storage --------------------------------------------------------------------------------

  private Path bucket(String name) {
    if (denied) {
      throw (S3Exception) S3Exception.builder().statusCode(403).message("Access Denied")
          .awsErrorDetails(AwsErrorDetails.builder().errorCode("AccessDenied").errorMessage("Access Denied").build())
          .build();
    }
    Path b = root.resolve(name);
    if (!Files.isDirectory(b)) {
      throw NoSuchBucketException.builder().statusCode(404).message("The specified bucket does not exist")
          .awsErrorDetails(AwsErrorDetails.builder().errorCode("NoSuchBucket")
              .errorMessage("The specified bucket does not exist").build())
          .build();
    }
    return b;
  }

  private Path object(String bucket, String key) {
    return bucket(bucket).resolve(URLEncoder.encode(key, StandardCharsets.UTF_8));
  }

  private static NoSuchKeyException noSuchKey(String key) {
    return NoSuchKeyException.builder().statusCode(404).message("The specified key does not exist: " + key)
        .awsErrorDetails(AwsErrorDetails.builder().errorCode("NoSuchKey").errorMessage("The specified key does not exist")
            .build())
        .build();
  }

  /** Every key of a bucket, sorted (URL-encoded file names do not keep S3's order). */
  List<String> keys(String bucket) {
    try (Stream<Path> s = Files.list(bucket(bucket))) {
      return s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".put-"))
          .map(n -> URLDecoder.decode(n, StandardCharsets.UTF_8)).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The object's bytes, for tests that look inside or change them. */
  Path file(String bucket, String key) {
    return object(bucket, key);
  }

  // ---- the API ----------------------------------------------------------------------------------

  @Override
  public PutObjectResponse putObject(PutObjectRequest r, RequestBody body) {
    Path target = object(r.bucket(), r.key());
    try {
      Path tmp = Files.createTempFile(target.getParent(), ".put-", ".tmp");
      try (InputStream in = body.contentStreamProvider().newStream()) {
        Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    puts.incrementAndGet();
    return PutObjectResponse.builder().eTag("\"" + puts.get() + "\"").build();
  }

  @Override
  public <T> T getObject(GetObjectRequest r, ResponseTransformer<GetObjectResponse, T> transformer) {
    Path p = object(r.bucket(), r.key());
    InputStream in;
    long size;
    try {
      size = Files.size(p);
      in = Files.newInputStream(p);
    } catch (NoSuchFileException e) {
      throw noSuchKey(r.key());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      return transformer.transform(GetObjectResponse.builder().contentLength(size).build(), AbortableInputStream.create(in));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public HeadObjectResponse headObject(HeadObjectRequest r) {
    Path p = object(r.bucket(), r.key());
    try {
      return HeadObjectResponse.builder().contentLength(Files.size(p)).build();
    } catch (NoSuchFileException e) {
      throw noSuchKey(r.key());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public DeleteObjectResponse deleteObject(DeleteObjectRequest r) {
    try {
      Files.deleteIfExists(object(r.bucket(), r.key())); // S3: deleting a missing key succeeds
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return DeleteObjectResponse.builder().build();
  }

  @Override
  public DeleteObjectsResponse deleteObjects(DeleteObjectsRequest r) {
    List<ObjectIdentifier> ids = r.delete().objects();
    if (ids.size() > 1000) {
      throw (S3Exception) S3Exception.builder().statusCode(400).message("The XML you provided was not well-formed")
          .awsErrorDetails(AwsErrorDetails.builder().errorCode("MalformedXML").build()).build();
    }
    deleteObjectsCalls.incrementAndGet();
    largestDeleteBatch.accumulateAndGet(ids.size(), Math::max);
    List<DeletedObject> deleted = new ArrayList<>();
    for (ObjectIdentifier id : ids) {
      deleteObject(DeleteObjectRequest.builder().bucket(r.bucket()).key(id.key()).build());
      deleted.add(DeletedObject.builder().key(id.key()).build());
    }
    return DeleteObjectsResponse.builder().deleted(Boolean.TRUE.equals(r.delete().quiet()) ? List.of() : deleted).build();
  }

  @Override
  public ListObjectsV2Response listObjectsV2(ListObjectsV2Request r) {
    int max = r.maxKeys() == null ? 1000 : Math.min(1000, r.maxKeys());
    String prefix = r.prefix() == null ? "" : r.prefix();
    String after = r.continuationToken() != null ? r.continuationToken() : r.startAfter();
    List<String> matching = keys(r.bucket()).stream().filter(k -> k.startsWith(prefix))
        .filter(k -> after == null || k.compareTo(after) > 0).toList();
    List<String> page = matching.subList(0, Math.min(max, matching.size()));
    boolean truncated = matching.size() > page.size();
    return ListObjectsV2Response.builder()
        .contents(page.stream().map(k -> S3Object.builder().key(k).build()).toList())
        .keyCount(page.size())
        .isTruncated(truncated)
        .nextContinuationToken(truncated ? page.get(page.size() - 1) : null)
        .build();
  }
}
