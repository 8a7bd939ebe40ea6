package dev.segmentflow.testkit;

import dev.segmentflow.localservices.ClickHouseServer;
import dev.segmentflow.localservices.KafkaBroker;
import dev.segmentflow.localservices.S3Server;
import dev.segmentflow.localservices.Service;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * JUnit 5 extension that hands tests the JVM's shared real services as parameters ({@link
 * KafkaBroker}, {@link ClickHouseServer}, {@link S3Server}, {@link FlinkMiniCluster}), stops them
 * once when the whole run ends, and prints their logs when a test fails.
 */
public final class RealServices implements BeforeAllCallback, ParameterResolver, TestWatcher {

  @Override
  public void beforeAll(ExtensionContext context) {
    // The root store closes its resources after the last test of the run: one start, one stop.
    context
        .getRoot()
        .getStore(ExtensionContext.Namespace.GLOBAL)
        .getOrComputeIfAbsent(
            SharedServices.class.getName(),
            k -> (ExtensionContext.Store.CloseableResource) SharedServices::shutdown);
  }

  @Override
  public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
    Class<?> t = p.getParameter().getType();
    return t == KafkaBroker.class
        || t == ClickHouseServer.class
        || t == S3Server.class
        || t == FlinkMiniCluster.class
        || t == SharedServices.class;
  }

  @Override
  public Object resolveParameter(ParameterContext p, ExtensionContext e) {
    SharedServices services = SharedServices.get();
    Class<?> t = p.getParameter().getType();
    if (t == KafkaBroker.class) {
      return services.kafka();
    } else if (t == ClickHouseServer.class) {
      return services.clickHouse();
    } else if (t == S3Server.class) {
      return services.s3();
    } else if (t == FlinkMiniCluster.class) {
      return services.flink();
    }
    return services;
  }

  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    for (Service s : SharedServices.get().started()) {
      System.err.printf(
          "%n----- %s log (last 80 lines), after %s failed -----%n%s%n",
          s.name(), context.getDisplayName(), s.logTail(80));
    }
  }

  @Override
  public void testAborted(ExtensionContext context, Throwable cause) {
    testFailed(context, cause);
  }
}
