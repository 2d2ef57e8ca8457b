package dev.migrator.testkit.temporal;

import dev.migrator.workflow.MigrationSearchAttributes;
import io.grpc.Server;
import io.grpc.stub.StreamObserver;
import io.temporal.api.operatorservice.v1.AddSearchAttributesRequest;
import io.temporal.api.operatorservice.v1.AddSearchAttributesResponse;
import io.temporal.api.operatorservice.v1.OperatorServiceGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.temporal.internal.testservice.GRPCServerHelper;
import io.temporal.internal.testservice.TestServicesStarter;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

/**
 * The Java Temporal test server, bound to 127.0.0.1 only (the stock TestServer main listens on
 * every interface). Run in its own process; prints "READY <port>" once it accepts gRPC calls.
 * Usage: LoopbackTestServer [port]  (0 or nothing = a free port).
 */
public final class LoopbackTestServer {
  private LoopbackTestServer() {}

  public static void main(String[] args) {
    try {
      serve(args);
    } catch (Throwable t) {
      // Exit for real: the test service starts non-daemon threads that would keep a failed JVM alive.
      t.printStackTrace();
      System.exit(1);
    }
  }

  /** The workflow upserts these; an unregistered one would fail its workflow task. */
  public static void registerSearchAttributes(TestServicesStarter services) {
    AddSearchAttributesRequest req = AddSearchAttributesRequest.newBuilder()
        .setNamespace("default")
        .putAllSearchAttributes(MigrationSearchAttributes.DEFINITIONS)
        .build();
    CompletableFuture<Void> done = new CompletableFuture<>();
    ((OperatorServiceGrpc.OperatorServiceImplBase) services.getOperatorService()).addSearchAttributes(req,
        new StreamObserver<>() {
      @Override
      public void onNext(AddSearchAttributesResponse value) {}

      @Override
      public void onError(Throwable t) {
        done.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {
        done.complete(null);
      }
    });
    done.join();
  }

  private static void serve(String[] args) throws IOException, InterruptedException {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
    TestServicesStarter services = new TestServicesStarter(true, 0);
    registerSearchAttributes(services);
    NettyServerBuilder builder =
        NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    GRPCServerHelper.registerServicesAndHealthChecks(services.getServices(), builder);
    Server server = builder.build().start();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.shutdownNow();
      services.close();
    }));
    System.out.println("READY " + server.getPort());
    System.out.flush();
    server.awaitTermination();
  }
}
