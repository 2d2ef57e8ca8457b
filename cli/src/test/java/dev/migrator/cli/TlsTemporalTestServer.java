package dev.migrator.cli;

import dev.migrator.testkit.temporal.LoopbackTestServer;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.temporal.internal.testservice.GRPCServerHelper;
import io.temporal.internal.testservice.TestServicesStarter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * The Java Temporal test service (in this JVM) behind a gRPC server on 127.0.0.1 that speaks TLS
 * only: with {@code clientCa}, it requires a client certificate signed by that CA (mTLS); with
 * {@code requiredApiKey}, every call must carry {@code Authorization: Bearer <key>}
 * (UNAUTHENTICATED otherwise), as Temporal Cloud does. It records the client certificate subject
 * and the Authorization header of every call it accepts.
 */
final class TlsTemporalTestServer implements AutoCloseable {
  static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  /** Subject of the client certificate of every call accepted (mTLS). */
  final List<String> clientSubjects;
  /** Authorization header of every call that had one. */
  final List<String> authorizations;
  /** "full/method authorization-or-none" of every call. */
  final List<String> methods;
  private final TestServicesStarter services;
  private final Server server;

  private TlsTemporalTestServer(TestServicesStarter services, Server server, List<String> subjects, List<String> auths,
      List<String> methods) {
    this.services = services;
    this.server = server;
    this.clientSubjects = subjects;
    this.authorizations = auths;
    this.methods = methods;
  }

  static TlsTemporalTestServer start(Path serverCert, Path serverKey, Path clientCa, String requiredApiKey) {
    TestServicesStarter services = new TestServicesStarter(true, 0);
    LoopbackTestServer.registerSearchAttributes(services);
    List<String> subjects = new CopyOnWriteArrayList<>();
    List<String> auths = new CopyOnWriteArrayList<>();
    List<String> methods = new CopyOnWriteArrayList<>();
    try {
      SslContextBuilder ssl = GrpcSslContexts.forServer(serverCert.toFile(), serverKey.toFile());
      if (clientCa != null) ssl.trustManager(clientCa.toFile()).clientAuth(ClientAuth.REQUIRE);
      NettyServerBuilder b = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
          .sslContext(ssl.build())
          .intercept(new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                ServerCallHandler<Q, R> next) {
              SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
              if (session != null) {
                try {
                  Certificate[] peer = session.getPeerCertificates();
                  if (peer.length > 0) subjects.add(((X509Certificate) peer[0]).getSubjectX500Principal().getName());
                } catch (SSLPeerUnverifiedException e) {
                  // no client certificate (server TLS only)
                }
              }
              String auth = headers.get(AUTHORIZATION);
              if (auth != null) auths.add(auth);
              methods.add(call.getMethodDescriptor().getFullMethodName() + " " + (auth == null ? "none" : auth));
              if (requiredApiKey != null && !("Bearer " + requiredApiKey).equals(auth)) {
                call.close(Status.UNAUTHENTICATED.withDescription("API key required"), new Metadata());
                return new ServerCall.Listener<>() {};
              }
              return next.startCall(call, headers);
            }
          });
      GRPCServerHelper.registerServicesAndHealthChecks(services.getServices(), b);
      Server server = b.build().start();
      return new TlsTemporalTestServer(services, server, subjects, auths, methods);
    } catch (IOException e) {
      services.close();
      throw new UncheckedIOException(e);
    }
  }

  int port() {
    return server.getPort();
  }

  /** 127.0.0.1:port; the certificate names another host, so clients give TEMPORAL_TLS_SERVER_NAME. */
  String target() {
    return "127.0.0.1:" + port();
  }

  @Override
  public void close() {
    server.shutdownNow();
    services.close();
  }
}
