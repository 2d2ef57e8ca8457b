package dev.migrator.secrets;

import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueRequest;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;
import software.amazon.awssdk.services.secretsmanager.model.SecretsManagerException;

/**
 * A fake of the SDK's {@link SecretsManagerClient}: only GetSecretValue, over a map of secret
 * name (or ARN) to SecretString, with Secrets Manager's errors in its exact shapes:
 * ResourceNotFoundException, AccessDeniedException (HTTP 400, a plain SecretsManagerException) for
 * the names in {@link #denied}, and the SDK's own "Unable to load credentials" client exception
 * when {@link #noCredentials} (raised by the real client before any request is sent).
 */
final class FakeSecretsManager implements SecretsManagerClient {
  final Map<String, String> secrets = new ConcurrentHashMap<>();
  final Set<String> denied = ConcurrentHashMap.newKeySet();
  final AtomicInteger reads = new AtomicInteger();
  volatile boolean noCredentials;

  @Override
  public GetSecretValueResponse getSecretValue(GetSecretValueRequest r) {
    reads.incrementAndGet();
    String id = r.secretId();
    if (noCredentials) {
      throw SdkClientException.create("Unable to load credentials from any of the providers in the chain"
          + " AwsCredentialsProviderChain(credentialsProviders=[SystemPropertyCredentialsProvider(),"
          + " EnvironmentVariableCredentialsProvider(), ...])");
    }
    if (denied.contains(id)) {
      throw SecretsManagerException.builder().statusCode(400)
          .message("User: arn:aws:iam::123456789012:user/worker is not authorized to perform:"
              + " secretsmanager:GetSecretValue on resource: " + id
              + " because no identity-based policy allows the secretsmanager:GetSecretValue action")
          .awsErrorDetails(AwsErrorDetails.builder().errorCode("AccessDeniedException").serviceName("SecretsManager")
              .build())
          .build();
    }
    String v = secrets.get(id);
    if (v == null) {
      throw ResourceNotFoundException.builder().statusCode(400)
          .message("Secrets Manager can't find the specified secret.")
          .awsErrorDetails(AwsErrorDetails.builder().errorCode("ResourceNotFoundException")
              .serviceName("SecretsManager").build())
          .build();
    }
    return GetSecretValueResponse.builder().name(id).secretString(v).versionId(UUID.randomUUID().toString()).build();
  }

  @Override
  public String serviceName() {
    return "secretsmanager";
  }

  @Override
  public void close() {}
}
