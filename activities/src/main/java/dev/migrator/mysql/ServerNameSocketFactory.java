package dev.migrator.mysql;

import com.mysql.cj.conf.PropertyKey;
import com.mysql.cj.conf.PropertySet;
import com.mysql.cj.protocol.StandardSocketFactory;
import java.io.Closeable;
import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * verify-identity with {@code tls.serverName}: Connector/J checks the server's certificate against
 * the host of the JDBC URL and has no setting for another name. So the URL names
 * {@code serverName} (checked, and sent as SNI) and this socket factory connects to the real
 * address instead; everything else, the TLS handshake and the name check included, is the
 * standard factory's. Connector/J hands a socket factory only its own known properties, so the
 * real address travels as the connection attribute {@value #ATTRIBUTE} (in
 * {@code connectionAttributes}; the server shows it in
 * {@code performance_schema.session_connect_attrs}, which does no harm: it is its own address).
 * SOCKS properties cannot carry it: their mere presence makes the driver switch to its SOCKS
 * factory.
 */
public class ServerNameSocketFactory extends StandardSocketFactory {
  static final String ATTRIBUTE = "migrator_connect_to";

  /** The {@code connectionAttributes} value that routes to {@code host:port}. */
  static String attribute(String host, int port) {
    return ATTRIBUTE + ":" + URLEncoder.encode(host, StandardCharsets.UTF_8) + "/" + port;
  }

  @Override
  public <T extends Closeable> T connect(String nameInUrl, int portInUrl, PropertySet props, int loginTimeout)
      throws IOException {
    String attrs = props.getStringProperty(PropertyKey.connectionAttributes).getValue();
    String route = null;
    if (attrs != null) {
      for (String a : attrs.split(",")) {
        if (a.startsWith(ATTRIBUTE + ":")) route = a.substring(ATTRIBUTE.length() + 1);
      }
    }
    int slash = route == null ? -1 : route.lastIndexOf('/');
    if (slash <= 0) {
      throw new IOException("ServerNameSocketFactory without the real address (" + ATTRIBUTE + "): a migrator bug");
    }
    String host = URLDecoder.decode(route.substring(0, slash), StandardCharsets.UTF_8);
    int port = Integer.parseInt(route.substring(slash + 1));
    return super.connect(host, port, props, loginTimeout);
  }
}
