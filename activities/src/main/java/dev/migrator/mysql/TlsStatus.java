package dev.migrator.mysql;

import dev.migrator.model.TlsSettings;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Whether one connection runs over TLS, as the server sees it ({@code Ssl_version} and
 * {@code Ssl_cipher} of the session), and how far its certificate was checked (the mode the
 * connection was opened with). {@link #describe()} is what status, findings and logs print:
 * {@code "source 10.0.0.5:3306: TLSv1.3 (TLS_AES_256_GCM_SHA384), certificate and name verified"}
 * or {@code "source 10.0.0.5:3306: none (plaintext)"}.
 */
public record TlsStatus(String role, String address, String mode, String version, String cipher, String verifiedName) {

  /** Reads the session's TLS status; version and cipher are null when the server cannot say. */
  static TlsStatus read(String role, String address, TlsSettings tls, String verifiedName, Connection c) {
    String version = null;
    String cipher = null;
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SHOW SESSION STATUS WHERE Variable_name IN ('Ssl_version', 'Ssl_cipher')")) {
      while (rs.next()) {
        if ("Ssl_version".equalsIgnoreCase(rs.getString(1))) version = rs.getString(2);
        if ("Ssl_cipher".equalsIgnoreCase(rs.getString(1))) cipher = rs.getString(2);
      }
    } catch (SQLException e) {
      version = "?";
    }
    return new TlsStatus(role, address, tls.mode, version == null ? "" : version, cipher == null ? "" : cipher,
        verifiedName);
  }

  public boolean encrypted() {
    return version != null && !version.isBlank() && !"?".equals(version);
  }

  /** True when the server did not answer the status query (the connection itself worked). */
  public boolean unknown() {
    return "?".equals(version);
  }

  /** "TLSv1.3" or "none". */
  public String protocol() {
    return encrypted() ? version : unknown() ? "unknown" : "none";
  }

  /** How much of the server's certificate was checked. */
  public String verification() {
    if (!encrypted()) return "";
    if (TlsSettings.VERIFY_IDENTITY.equals(mode)) return "certificate and name '" + verifiedName + "' verified";
    if (TlsSettings.VERIFY_CA.equals(mode)) return "certificate chain verified, name not checked";
    return "certificate not verified";
  }

  /** "source 10.0.0.5:3306: TLSv1.3 (cipher), certificate not verified" / "...: none (plaintext)". */
  public String describe() {
    String head = role + " " + address + ": ";
    if (unknown()) return head + "TLS unknown (the server did not report Ssl_version)";
    if (!encrypted()) return head + "none (plaintext, tls.mode " + mode + ")";
    return head + version + (cipher.isBlank() ? "" : " (" + cipher + ")") + ", " + verification();
  }

  /** "source: TLSv1.3" / "source: none". */
  public String brief() {
    return role + ": " + protocol();
  }
}
